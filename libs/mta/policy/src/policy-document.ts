// The policy file: YAML with `defaults:` (merged onto the built-in defaults)
// and `policies:` (a list). Reading it either yields a complete, consistent
// set of policies or throws one PolicyDocumentError naming every fault, so a
// bad file never half-applies.
import { parseDocument } from 'yaml';
import { BUILTIN_DEFAULTS } from './policy-defaults';
import { PolicyDocumentError } from './policy.errors';
import {
  Problems,
  SETTING_KEYS,
  childPath,
  readList,
  readMapping,
  readPolicyEntry,
  readSettings,
  type PolicySettings,
} from './policy-reader';
import type { DomainPolicy, PolicyFields } from './policy.types';

export interface PolicyDocument {
  defaults: PolicyFields;
  policies: DomainPolicy[];
}

const TOP_KEYS = ['defaults', 'policies'] as const;
// Anchors and aliases are fine; a document that expands into a bomb is not.
const MAX_ALIAS_COUNT = 100;

/** Settings on top of a base: undefined keeps the base, null clears it (unlimited, no pool, no backoff). */
export function applySettings(
  base: Readonly<PolicyFields>,
  settings: PolicySettings,
): PolicyFields {
  const out: PolicyFields = { ...base };
  const target = out as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'name' || key === 'match' || value === undefined) continue;
    target[key] = value === null ? undefined : value;
  }
  return out;
}

export interface Claimant {
  policy: DomainPolicy;
  /** Where problems point: `policies[3]` in a file, `policy "x"` in a book. */
  label: string;
  /** How other problems refer to it; defaults to `<label> ("<name>")`. */
  title?: string;
}

function titleOf(c: Claimant): string {
  return c.title ?? `${c.label} ("${c.policy.name}")`;
}

/** Names used twice, and domains, suffixes or MX globs claimed by two policies. */
export function claimConflicts(claimants: readonly Claimant[]): string[] {
  const problems: string[] = [];
  const names = new Map<string, Claimant>();
  for (const c of claimants) {
    const other = names.get(c.policy.name);
    if (other) {
      problems.push(`${c.label}.name: "${c.policy.name}" is already the name of ${other.label}`);
    } else {
      names.set(c.policy.name, c);
    }
  }
  for (const key of ['domains', 'suffixes', 'mxHosts'] as const) {
    const owners = new Map<string, Claimant>();
    for (const c of claimants) {
      for (const value of c.policy.match[key] ?? []) {
        const owner = owners.get(value);
        if (owner && owner.policy.name !== c.policy.name) {
          problems.push(
            `${c.label}.match.${key}: "${value}" is already claimed by ${titleOf(owner)}`,
          );
        } else {
          owners.set(value, c);
        }
      }
    }
  }
  return problems;
}

function yamlProblems(text: string): { value: unknown; problems: string[] } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return { value: undefined, problems: doc.errors.map((e) => e.message.split('\n')[0]) };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems: [] };
  } catch (e) {
    return { value: undefined, problems: [(e as Error).message] };
  }
}

/**
 * Reads a policy file. `source` names it in errors (a path, "configmap
 * mta-policies"). An empty document means built-in defaults and no policies.
 */
export function parsePolicyDocument(yamlText: string, source: string): PolicyDocument {
  const parsed = yamlProblems(yamlText);
  if (parsed.problems.length > 0) throw new PolicyDocumentError(source, parsed.problems);
  const p = new Problems();
  const top = parsed.value ?? {};
  const raw = readMapping(p, top, '', TOP_KEYS);
  let defaults: PolicyFields = { ...BUILTIN_DEFAULTS };
  const claimants: Claimant[] = [];
  if (raw?.defaults !== undefined && raw.defaults !== null) {
    const settingsRaw = readMapping(p, raw.defaults, 'defaults', SETTING_KEYS);
    if (settingsRaw)
      defaults = applySettings(BUILTIN_DEFAULTS, readSettings(p, settingsRaw, 'defaults'));
  }
  if (raw?.policies !== undefined && raw.policies !== null) {
    const list = readList(p, raw.policies, 'policies') ?? [];
    list.forEach((entry, i) => {
      const label = childPath('policies', i);
      const policy = readPolicyEntry(p, entry, label);
      if (policy) claimants.push({ policy, label });
    });
  }
  p.list.push(...claimConflicts(claimants));
  if (p.list.length > 0) throw new PolicyDocumentError(source, p.list);
  return { defaults, policies: claimants.map((c) => c.policy) };
}

/**
 * Checks one policy in document form (durations as "10m"), e.g. the body of
 * an admin request, and returns it typed; throws PolicyDocumentError.
 */
export function parsePolicyEntry(value: unknown, source = 'policy'): DomainPolicy {
  const p = new Problems();
  const policy = readPolicyEntry(p, value, source);
  if (!policy || p.list.length > 0) throw new PolicyDocumentError(source, p.list);
  return policy;
}
