import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_DEFAULTS } from './policy-defaults';
import { parsePolicyDocument, parsePolicyEntry } from './policy-document';
import { PolicyDocumentError } from './policy.errors';
import { policyToDocument } from './policy-reader';

const SAMPLE = readFileSync(join(__dirname, 'fixtures', 'policies.sample.yaml'), 'utf8');

function problemsOf(yamlText: string): string[] {
  try {
    parsePolicyDocument(yamlText, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyDocumentError);
    expect((e as PolicyDocumentError).code).toBe('MTA_POLICY_INVALID');
    return (e as PolicyDocumentError).problems;
  }
  throw new Error('document parsed without error');
}

/** A document with one policy whose body is `body` (YAML lines, indented by the caller). */
function onePolicy(body: string): string {
  return `policies:\n  - name: p\n    match: { domains: [p.test] }\n${body}`;
}

describe('parsePolicyDocument', () => {
  it('reads the sample file with its defaults, rollups and backoff rules', () => {
    const { defaults, policies } = parsePolicyDocument(SAMPLE, 'policies.sample.yaml');
    expect(policies.map((p) => p.name)).toEqual(['gmail', 'outlook', 'yahoo', 'example-corp']);
    expect(defaults.retrySchedule).toEqual([60_000, 600_000, 3_600_000, 21_600_000]);
    expect(defaults.bounceAfterMs).toBe(3 * 86_400_000);
    expect(defaults.messagesPerMinute).toBeUndefined();
    expect(defaults.backoff?.forMs).toBe(15 * 60_000);
    const gmail = policies[0];
    expect(gmail.match.mxHosts).toEqual(['*.google.com', '*.googlemail.com']);
    expect(gmail).toMatchObject({ shards: 4, messagesPerMinute: 1200, tls: 'required' });
    expect(gmail.backoff?.on[0]).toEqual({ codes: [421, 450, 451], enhanced: ['4.7.*'] });
    expect(policies[3]).toMatchObject({ pool: 'transactional', bounceAfterMs: 6 * 3_600_000 });
    expect(policies[3].backoff).toBeNull();
  });

  it('gives built-in defaults and no policies for an empty document', () => {
    expect(parsePolicyDocument('', 'empty.yaml')).toEqual({
      defaults: { ...BUILTIN_DEFAULTS },
      policies: [],
    });
    expect(parsePolicyDocument('# only a comment\n', 'c.yaml').policies).toEqual([]);
  });

  it('merges defaults onto the built-in ones, and null clears a built-in value', () => {
    const { defaults } = parsePolicyDocument(
      'defaults:\n  maxConnections: 3\n  messagesPerHour: 1000\n',
      'd.yaml',
    );
    expect(defaults).toMatchObject({ maxConnections: 3, messagesPerHour: 1000 });
    expect(defaults.maxMessagesPerConnection).toBe(BUILTIN_DEFAULTS.maxMessagesPerConnection);
  });

  it('normalises domains (case, trailing dot, IDN) and MX globs', () => {
    const { policies } = parsePolicyDocument(
      `policies:\n  - name: p\n    match:\n      domains: [Example.COM., bücher.example]\n      suffixes: [.Mail.Example.NET]\n      mxHosts: ['*.MX.Example.org.']\n`,
      'n.yaml',
    );
    expect(policies[0].match).toEqual({
      domains: ['example.com', 'xn--bcher-kva.example'],
      suffixes: ['.mail.example.net'],
      mxHosts: ['*.mx.example.org'],
    });
  });

  it('names the path of a bad duration in a retry schedule', () => {
    expect(problemsOf(onePolicy('    retrySchedule: [1m, 10x]\n'))).toEqual([
      'policies[0].retrySchedule[1]: "10x" is not a duration (write a number and a unit: 90s, 10m, 1h, 3d)',
    ]);
  });

  it('refuses a bare number as a duration, since its unit would be a guess', () => {
    expect(problemsOf(onePolicy('    bounceAfter: 3600\n'))).toEqual([
      'policies[0].bounceAfter: 3600 is not a duration (write a number and a unit: 90s, 10m, 1h, 3d)',
    ]);
  });

  it('refuses a zero duration', () => {
    expect(problemsOf(onePolicy('    bounceAfter: 0s\n'))).toEqual([
      'policies[0].bounceAfter: "0s" must be longer than 0',
    ]);
  });

  it('refuses bad numbers, TLS modes, pools and shard counts, each with its path', () => {
    const problems = problemsOf(
      onePolicy(
        [
          '    maxConnections: 0',
          '    maxMessagesPerConnection: 2.5',
          '    messagesPerMinute: -1',
          '    messagesPerHour: lots',
          '    tls: maybe',
          '    pool: "bad pool"',
          '    shards: 1000',
          '',
        ].join('\n'),
      ),
    );
    expect(problems).toEqual([
      'policies[0].maxConnections: 0 is not between 1 and 10000',
      'policies[0].maxMessagesPerConnection: 2.5 is not a whole number',
      'policies[0].messagesPerMinute: -1 is not a positive number or "unlimited"',
      'policies[0].messagesPerHour: "lots" is not a positive number or "unlimited"',
      'policies[0].tls: "maybe" is not one of opportunistic, required, disabled',
      'policies[0].pool: "bad pool" is not a pool name (letters, digits, ".", "_", "-")',
      'policies[0].shards: 1000 is not between 1 and 256',
    ]);
  });

  it('refuses unknown fields at every level', () => {
    const problems = problemsOf(
      [
        'version: 2',
        'defaults: { maxConnection: 3 }',
        'policies:',
        '  - name: p',
        '    match: { domain: [p.test], domains: [p.test] }',
        '    backoff: { on: [{ code: [421] }], messagesPerMinute: 1, for: 1m }',
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^version: is not a known field \(known: defaults, policies\)$/),
      expect.stringMatching(/^defaults\.maxConnection: is not a known field/),
      expect.stringMatching(/^policies\[0\]\.match\.domain: is not a known field/),
      expect.stringMatching(/^policies\[0\]\.backoff\.on\[0\]\.code: is not a known field/),
      'policies[0].backoff.on[0]: matches nothing: give codes, enhanced or text',
    ]);
  });

  it('requires a name and a match that matches something', () => {
    expect(problemsOf('policies:\n  - maxConnections: 2\n  - name: q\n    match: {}\n')).toEqual([
      'policies[0].name: is required',
      'policies[0].match: is required',
      'policies[1].match: matches nothing: give domains, suffixes or mxHosts',
    ]);
  });

  it('refuses bad names, domains, suffixes and globs', () => {
    const problems = problemsOf(
      [
        'policies:',
        '  - name: Gmail!',
        '    match:',
        '      domains: ["not a domain"]',
        '      suffixes: [example.com]',
        "      mxHosts: ['*', 'mx_1.example.com']",
        '  - name: default',
        '    match: { domains: [d.test] }',
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'policies[0].name: "Gmail!" is not a policy name (lower-case letters, digits, ".", "_", "-")',
      'policies[0].match.domains[0]: "not a domain" is not a domain name',
      'policies[0].match.suffixes[0]: "example.com" must start with "." (list the domain itself under domains)',
      'policies[0].match.mxHosts[0]: "*" matches every host; put such settings in defaults',
      'policies[0].match.mxHosts[1]: "mx_1.example.com" is not a host name glob (letters, digits, "-", "." and "*")',
      'policies[1].name: "default" is reserved for the defaults',
    ]);
  });

  it('checks backoff: required fields, rule patterns and a positive rate', () => {
    const problems = problemsOf(
      onePolicy(
        [
          '    backoff:',
          '      on:',
          "        - { codes: [250], enhanced: ['4.7'], text: ['/(/'] }",
          '      messagesPerMinute: 0',
          '',
        ].join('\n'),
      ),
    );
    expect(problems).toEqual([
      'policies[0].backoff.for: is required',
      'policies[0].backoff.on[0].codes[0]: 250 is not between 400 and 599',
      expect.stringMatching(
        /^policies\[0\]\.backoff\.on\[0\]\.enhanced\[0\]: "4\.7" is not an enhanced/,
      ),
      expect.stringMatching(
        /^policies\[0\]\.backoff\.on\[0\]\.text\[0\]: "\/\(\/" is not a valid regular/,
      ),
      'policies[0].backoff.messagesPerMinute: 0 is not a positive number',
    ]);
  });

  it('refuses an empty backoff rule list', () => {
    expect(
      problemsOf(onePolicy('    backoff: { on: [], messagesPerMinute: 5, for: 1m }\n')),
    ).toEqual(['policies[0].backoff.on: must list at least one rule']);
  });

  it('refuses two policies with the same name', () => {
    const problems = problemsOf(
      'policies:\n  - name: a\n    match: { domains: [a.test] }\n  - name: a\n    match: { domains: [b.test] }\n',
    );
    expect(problems).toEqual(['policies[1].name: "a" is already the name of policies[0]']);
  });

  it('refuses a domain, suffix or MX glob claimed by two policies', () => {
    const problems = problemsOf(
      [
        'policies:',
        "  - { name: a, match: { domains: [x.test], suffixes: [.x.test], mxHosts: ['*.mx.test'] } }",
        "  - { name: b, match: { domains: [X.test], suffixes: [.x.test], mxHosts: ['*.MX.test'] } }",
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'policies[1].match.domains: "x.test" is already claimed by policies[0] ("a")',
      'policies[1].match.suffixes: ".x.test" is already claimed by policies[0] ("a")',
      'policies[1].match.mxHosts: "*.mx.test" is already claimed by policies[0] ("a")',
    ]);
  });

  it('reports YAML syntax errors and duplicate keys without reading further', () => {
    expect(problemsOf('policies: [\n')[0]).toMatch(/line 2/);
    expect(problemsOf('defaults:\n  tls: required\n  tls: disabled\n')[0]).toMatch(/unique/i);
  });

  it('refuses a document that is not a mapping, and policies that are not a list', () => {
    expect(problemsOf('- a\n- b\n')).toEqual(['document: must be a mapping, got a list']);
    expect(problemsOf('policies: { name: a }\n')).toEqual([
      'policies: must be a list, got a mapping',
    ]);
  });

  it('puts the source and every problem in the error message', () => {
    expect(() => parsePolicyDocument(onePolicy('    tls: x\n    shards: 0\n'), 'cm/mta')).toThrow(
      /^cm\/mta: invalid domain policies:\n {2}- policies\[0\]\.tls: .*\n {2}- policies\[0\]\.shards: /,
    );
  });
});

describe('parsePolicyEntry and policyToDocument', () => {
  it('round-trips a policy through its document form', () => {
    const { policies } = parsePolicyDocument(SAMPLE, 'sample');
    for (const policy of policies) {
      expect(parsePolicyEntry(policyToDocument(policy))).toEqual(policy);
    }
  });

  it('writes durations with units and an explicit unlimited rate', () => {
    expect(
      policyToDocument({
        name: 'x',
        match: { domains: ['x.test'] },
        retrySchedule: [90_000, 3_600_000],
        bounceAfterMs: 86_400_000,
        messagesPerMinute: null,
        backoff: { on: [{ codes: [421] }], messagesPerMinute: 5, forMs: 600_000 },
      }),
    ).toEqual({
      name: 'x',
      match: { domains: ['x.test'] },
      retrySchedule: ['90s', '1h'],
      bounceAfter: '1d',
      messagesPerMinute: 'unlimited',
      backoff: { on: [{ codes: [421] }], messagesPerMinute: 5, for: '10m' },
    });
  });

  it('checks an admin request body and names its fields under the given source', () => {
    expect(() =>
      parsePolicyEntry({ name: 'x', match: { domains: ['x.test'] }, shards: 0 }, 'body'),
    ).toThrow(/body\.shards: 0 is not between 1 and 256/);
    expect(() => parsePolicyEntry('x', 'body')).toThrow(/body: must be a mapping/);
  });
});
