// The domain policies the Helm chart and its docs hand to the mta, read by the
// mta's own parser: every mta.policies in ci/*-values.yaml and in the yaml
// blocks of docs/operations/*.md, plus the policies.yaml files deploy/helm/test.sh
// rendered (POSTLINE_RENDERED_POLICIES_DIR), which have been through Helm's
// YAML handling. An example an operator copies must be one the mta accepts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyBook } from '@postline/mta/policy';
import { parse, stringify } from 'yaml';

const REPO = join(__dirname, '../../..');
const CHART = join(REPO, 'deploy/helm/postline');
const DOCS = join(REPO, 'docs/operations');

interface Source {
  name: string;
  text: string;
}

/** mta.policies as the chart writes it: a string verbatim, a map as YAML. */
function policiesOf(values: unknown): string | undefined {
  const policies = (values as { mta?: { policies?: unknown } } | null)?.mta?.policies;
  if (policies === undefined || policies === null || policies === '') return undefined;
  return typeof policies === 'string' ? policies : stringify(policies);
}

function fromCiValues(): Source[] {
  const dir = join(CHART, 'ci');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-values.yaml'))
    .flatMap((f) => {
      const text = policiesOf(parse(readFileSync(join(dir, f), 'utf8')));
      return text ? [{ name: `ci/${f}`, text }] : [];
    });
}

function fromDocs(): Source[] {
  return readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .flatMap((f) => {
      const blocks = [
        ...readFileSync(join(DOCS, f), 'utf8').matchAll(/^```yaml\n([\s\S]*?)^```/gm),
      ];
      return blocks.flatMap((m, i) => {
        const text = policiesOf(parse(m[1]));
        return text ? [{ name: `docs/operations/${f} yaml block ${i + 1}`, text }] : [];
      });
    });
}

function fromRender(): Source[] {
  const dir = process.env.POSTLINE_RENDERED_POLICIES_DIR;
  if (!dir) return [];
  return readdirSync(dir).map((f) => ({
    name: `rendered ${f}`,
    text: readFileSync(join(dir, f), 'utf8'),
  }));
}

describe('domain policies shipped with the Helm chart', () => {
  const examples = [...fromCiValues(), ...fromDocs()];

  it('has examples in the ci scenarios and in the operations docs', () => {
    expect(examples.some((s) => s.name.startsWith('ci/'))).toBe(true);
    expect(examples.some((s) => s.name.startsWith('docs/'))).toBe(true);
  });

  it.each([...examples, ...fromRender()].map((s) => [s.name, s.text]))(
    '%s is accepted by the mta policy parser',
    (name, text) => {
      const book = PolicyBook.fromYaml(text, name);
      expect(book.policies.length).toBeGreaterThan(0);
    },
  );
});
