import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyBook } from './policy-book';
import { BUILTIN_DEFAULTS } from './policy-defaults';
import { PolicyArgumentError, PolicyDocumentError } from './policy.errors';
import type { DomainPolicy } from './policy.types';

const SAMPLE = readFileSync(join(__dirname, 'fixtures', 'policies.sample.yaml'), 'utf8');
const GOOGLE_MX = ['aspmx.l.google.com.', 'alt1.aspmx.l.google.com.'];

function book(policies: DomainPolicy[]): PolicyBook {
  return new PolicyBook(BUILTIN_DEFAULTS, policies);
}

describe('PolicyBook.forDomain', () => {
  const sample = PolicyBook.fromYaml(SAMPLE, 'sample');

  it('resolves an exact domain with its settings filled from the defaults', () => {
    const p = sample.forDomain('outlook.com');
    expect(p).toMatchObject({ name: 'outlook', matchedBy: 'domain', domain: 'outlook.com' });
    expect(p).toMatchObject({ maxConnections: 10, maxMessagesPerConnection: 50, shards: 2 });
    expect(p.retrySchedule).toEqual([60_000, 600_000, 3_600_000, 21_600_000]);
    expect(p.tls).toBe('opportunistic');
  });

  it('falls back to a suffix policy for a sub-domain, but not for the bare suffix', () => {
    const p = sample.forDomain('eu.mail.example.com');
    expect(p).toMatchObject({ name: 'example-corp', matchedBy: 'suffix' });
    expect(p.budgetKey).toBe('eu.mail.example.com');
    expect(book([{ name: 's', match: { suffixes: ['.x.test'] } }]).forDomain('x.test').name).toBe(
      'default',
    );
  });

  it('prefers the longest suffix', () => {
    const b = book([
      { name: 'short', match: { suffixes: ['.test'] } },
      { name: 'long', match: { suffixes: ['.b.test'] } },
    ]);
    expect(b.forDomain('a.b.test').name).toBe('long');
    expect(b.forDomain('a.c.test').name).toBe('short');
  });

  it('gives an unknown domain the defaults, with its routing key as budget', () => {
    const p = sample.forDomain('Unknown.Example.ORG.');
    expect(p).toMatchObject({
      name: 'default',
      matchedBy: 'default',
      domain: 'unknown.example.org',
    });
    expect(p.budgetKey).toBe('unknown.example.org');
    expect(p.backoff?.messagesPerMinute).toBe(30);
  });

  it('lets null in a policy clear a default (no backoff)', () => {
    expect(sample.forDomain('example.com').backoff).toBeUndefined();
    expect(sample.forDomain('example.com').pool).toBe('transactional');
  });

  it('keys a sharded domain budget by the routing key it was asked for', () => {
    const b = book([{ name: 'big', match: { domains: ['big.test'] }, shards: 4 }]);
    expect(b.forDomain('big.test#3').budgetKey).toBe('big.test#3');
    expect(b.forDomain('big.test').budgetKey).toBe('big.test#0');
    // A key sharded when the policy had more shards folds into the current ones.
    expect(b.forDomain('big.test#6').budgetKey).toBe('big.test#2');
  });

  it('refuses something that is not a domain or routing key', () => {
    expect(() => sample.forDomain('not a domain')).toThrow(PolicyArgumentError);
    expect(() => sample.forDomain('gmail.com#x')).toThrow(/is not a domain or routing key/);
  });
});

describe('PolicyBook.forMx (provider rollups)', () => {
  const sample = PolicyBook.fromYaml(SAMPLE, 'sample');

  it('applies a provider policy to a domain hosted on its MX, sharing one budget', () => {
    const workspace = sample.forMx('customer.example.net', GOOGLE_MX);
    expect(workspace).toMatchObject({ name: 'gmail', matchedBy: 'mx', shards: 4 });
    expect(workspace.budgetKey).toBe('policy:gmail#0');
    expect(sample.forMx('gmail.com#0', GOOGLE_MX).budgetKey).toBe('policy:gmail#0');
    expect(sample.forMx('gmail.com#3', GOOGLE_MX).budgetKey).toBe('policy:gmail#3');
  });

  it('keys a provider budget by name, whether matched by domain or MX, without shards', () => {
    expect(sample.forDomain('aol.com').budgetKey).toBe('policy:yahoo');
    expect(sample.forMx('hosted.example', ['mta5.am0.yahoodns.net']).budgetKey).toBe(
      'policy:yahoo',
    );
  });

  it('keeps an exact domain policy over an MX match', () => {
    const p = sample.forMx('example.com', GOOGLE_MX);
    expect(p).toMatchObject({
      name: 'example-corp',
      matchedBy: 'domain',
      budgetKey: 'example.com',
    });
  });

  it('prefers an MX match over a suffix match', () => {
    expect(sample.forMx('eu.example.com', GOOGLE_MX)).toMatchObject({
      name: 'gmail',
      matchedBy: 'mx',
    });
  });

  it('falls back to suffix and defaults when no MX host matches', () => {
    expect(sample.forMx('eu.example.com', ['mx.example.com']).matchedBy).toBe('suffix');
    expect(sample.forMx('other.test', ['mx.other.test'])).toMatchObject({
      matchedBy: 'default',
      budgetKey: 'other.test',
    });
    expect(sample.forMx('other.test', []).matchedBy).toBe('default');
  });

  it('uses the most preferred MX host that matches, and the most specific glob for it', () => {
    const b = book([
      { name: 'wide', match: { mxHosts: ['*.provider.test'] } },
      { name: 'narrow', match: { mxHosts: ['*.eu.provider.test'] } },
      { name: 'backup', match: { mxHosts: ['*.backup.test'] } },
    ]);
    expect(b.forMx('d.test', ['mx1.eu.provider.test']).name).toBe('narrow');
    expect(b.forMx('d.test', ['mx1.us.provider.test']).name).toBe('wide');
    expect(b.forMx('d.test', ['mx.backup.test', 'mx1.eu.provider.test']).name).toBe('backup');
    expect(b.forMx('d.test', ['unknown.test', 'mx.backup.test']).name).toBe('backup');
  });

  it('does not let "*.google.com" match google.com itself', () => {
    expect(sample.forMx('x.test', ['google.com']).matchedBy).toBe('default');
  });
});

describe('PolicyBook.withOverrides', () => {
  const sample = PolicyBook.fromYaml(SAMPLE, 'sample');

  it('replaces the file policy of the same name and adds new ones, leaving the original book as it was', () => {
    const next = sample.withOverrides([
      { name: 'outlook', match: { domains: ['outlook.com'] }, messagesPerMinute: 10 },
      { name: 'newcomer', match: { domains: ['new.test'] }, maxConnections: 1 },
    ]);
    expect(next.forDomain('outlook.com').messagesPerMinute).toBe(10);
    // The override's match replaces the file's, so hotmail.com is no longer outlook's.
    expect(next.forDomain('hotmail.com').name).toBe('default');
    expect(next.forDomain('new.test')).toMatchObject({ name: 'newcomer', maxConnections: 1 });
    expect(next.policies.map((p) => p.name)).toEqual([
      'gmail',
      'outlook',
      'yahoo',
      'example-corp',
      'newcomer',
    ]);
    expect(sample.forDomain('outlook.com').messagesPerMinute).toBe(600);
  });

  it('refuses an override that claims a domain another policy keeps', () => {
    expect(() =>
      sample.withOverrides([{ name: 'grab', match: { domains: ['gmail.com'] } }]),
    ).toThrow(/policy "grab"\.match\.domains: "gmail\.com" is already claimed by policy "gmail"/);
  });

  it('checks override fields like file entries and names them by position', () => {
    const bad = { name: 'x', match: { domains: ['x.test'] }, shards: 0, retrySchedule: [-5] };
    try {
      sample.withOverrides([bad]);
      throw new Error('accepted a bad override');
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyDocumentError);
      expect((e as PolicyDocumentError).problems).toEqual([
        'overrides[0].retrySchedule[0]: "-5ms" is not a duration (write a number and a unit: 90s, 10m, 1h, 3d)',
        'overrides[0].shards: 0 is not between 1 and 256',
      ]);
    }
  });

  it('refuses two overrides with the same name', () => {
    const o: DomainPolicy = { name: 'x', match: { domains: ['x.test'] } };
    expect(() => sample.withOverrides([o, o])).toThrow(
      /overrides\[1\]\.name: "x" is overridden twice/,
    );
  });
});

describe('new PolicyBook', () => {
  it('refuses policies that claim the same domain', () => {
    expect(() =>
      book([
        { name: 'a', match: { domains: ['x.test'] } },
        { name: 'b', match: { domains: ['x.test'] } },
      ]),
    ).toThrow(PolicyDocumentError);
  });
});
