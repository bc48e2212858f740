// Reads one policy (or the defaults) from its document form — the plain
// object YAML or a JSON admin request yields — into typed settings. Nothing
// is trusted: every field is checked, unknown fields are refused, and each
// fault is recorded with its path (`policies[2].retrySchedule[1]`) so the
// whole document can be reported at once.
import { domainToASCII } from 'node:url';
import { normalizeDomain } from '@postline/mta/routing';
import { enhancedPatternProblem, textPatternProblem } from './backoff-rules';
import { formatDuration, parseDuration } from './duration';
import { globProblem, normalizeHost } from './host-glob';
import { DEFAULT_POLICY_NAME, MAX_SHARDS } from './policy-defaults';
import type {
  BackoffPolicy,
  BackoffRule,
  DomainPolicy,
  PolicyMatch,
  TlsPolicy,
} from './policy.types';

/** Settings a policy may set; a policy's document form also has `name` and `match`. */
export type PolicySettings = Omit<DomainPolicy, 'name' | 'match'>;

const TLS_POLICIES: readonly TlsPolicy[] = ['opportunistic', 'required', 'disabled'];
export const SETTING_KEYS = [
  'maxConnections',
  'maxMessagesPerConnection',
  'messagesPerMinute',
  'messagesPerHour',
  'retrySchedule',
  'bounceAfter',
  'tls',
  'pool',
  'shards',
  'backoff',
] as const;
const POLICY_KEYS = ['name', 'match', ...SETTING_KEYS] as const;
const MATCH_KEYS = ['domains', 'suffixes', 'mxHosts'] as const;
const BACKOFF_KEYS = ['on', 'messagesPerMinute', 'for'] as const;
const RULE_KEYS = ['codes', 'enhanced', 'text'] as const;
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const POOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DURATION_HINT = 'write a number and a unit: 90s, 10m, 1h, 3d';
const MAX_LIST = 1_000;

/** Collects faults; a reader returns undefined for a value it could not accept. */
export class Problems {
  readonly list: string[] = [];

  add(path: string, message: string): undefined {
    this.list.push(`${path}: ${message}`);
    return undefined;
  }
}

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a mapping';
  return String(value);
}

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** A mapping whose keys are all in `allowed`; unknown keys are reported, known ones kept. */
export function readMapping(
  p: Problems,
  value: unknown,
  path: string,
  allowed: readonly string[],
): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return p.add(path || 'document', `must be a mapping, got ${show(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      p.add(childPath(path, key), `is not a known field (known: ${allowed.join(', ')})`);
    }
  }
  return record;
}

export function readList(p: Problems, value: unknown, path: string): unknown[] | undefined {
  if (!Array.isArray(value)) return p.add(path, `must be a list, got ${show(value)}`);
  if (value.length > MAX_LIST) return p.add(path, `has more than ${MAX_LIST} entries`);
  return value;
}

/** Each element read by `item`; undefined if the list or any element is bad. */
function readEach<T>(
  p: Problems,
  value: unknown,
  path: string,
  item: (v: unknown, path: string) => T | undefined,
): T[] | undefined {
  const list = readList(p, value, path);
  if (!list) return undefined;
  const out = list.map((v, i) => item(v, childPath(path, i)));
  return out.every((v) => v !== undefined) ? (out as T[]) : undefined;
}

function readInt(p: Problems, value: unknown, path: string, min: number, max: number) {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return p.add(path, `${show(value)} is not a whole number`);
  }
  if (value < min || value > max) return p.add(path, `${value} is not between ${min} and ${max}`);
  return value;
}

function readPositiveNumber(p: Problems, value: unknown, path: string): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    return p.add(path, `${show(value)} is not a positive number`);
  }
  return value;
}

/** A rate per minute or hour: a positive number, or "unlimited"/null. */
function readRate(p: Problems, value: unknown, path: string): number | null | undefined {
  if (value === null || value === 'unlimited') return null;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  return p.add(path, `${show(value)} is not a positive number or "unlimited"`);
}

export function readDuration(p: Problems, value: unknown, path: string): number | undefined {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined) return p.add(path, `${show(value)} is not a duration (${DURATION_HINT})`);
  if (ms <= 0) return p.add(path, `${show(value)} must be longer than 0`);
  return ms;
}

function readString(p: Problems, value: unknown, path: string): string | undefined {
  return typeof value === 'string' ? value : p.add(path, `${show(value)} is not a string`);
}

function readRule(p: Problems, value: unknown, path: string): BackoffRule | undefined {
  const raw = readMapping(p, value, path, RULE_KEYS);
  if (!raw) return undefined;
  const before = p.list.length;
  const rule: BackoffRule = {};
  if (raw.codes !== undefined) {
    rule.codes = readEach(p, raw.codes, childPath(path, 'codes'), (v, at) =>
      readInt(p, v, at, 400, 599),
    );
  }
  if (raw.enhanced !== undefined) {
    rule.enhanced = readEach(p, raw.enhanced, childPath(path, 'enhanced'), (v, at) => {
      const s = readString(p, v, at);
      const problem = s === undefined ? undefined : enhancedPatternProblem(s);
      return problem ? p.add(at, `${show(s)} ${problem}`) : s;
    });
  }
  if (raw.text !== undefined) {
    rule.text = readEach(p, raw.text, childPath(path, 'text'), (v, at) => {
      const s = readString(p, v, at);
      const problem = s === undefined ? undefined : textPatternProblem(s);
      return problem ? p.add(at, `${show(s)} ${problem}`) : s;
    });
  }
  if (p.list.length > before) return undefined;
  if (!rule.codes?.length && !rule.enhanced?.length && !rule.text?.length) {
    return p.add(path, 'matches nothing: give codes, enhanced or text');
  }
  return rule;
}

function readBackoff(p: Problems, value: unknown, path: string): BackoffPolicy | null | undefined {
  if (value === null) return null;
  const raw = readMapping(p, value, path, BACKOFF_KEYS);
  if (!raw) return undefined;
  for (const key of BACKOFF_KEYS) {
    if (raw[key] === undefined) p.add(childPath(path, key), 'is required');
  }
  const onPath = childPath(path, 'on');
  const on =
    raw.on === undefined ? undefined : readEach(p, raw.on, onPath, (v, at) => readRule(p, v, at));
  if (on && on.length === 0) p.add(onPath, 'must list at least one rule');
  const rate =
    raw.messagesPerMinute === undefined
      ? undefined
      : readPositiveNumber(p, raw.messagesPerMinute, childPath(path, 'messagesPerMinute'));
  const forMs =
    raw.for === undefined ? undefined : readDuration(p, raw.for, childPath(path, 'for'));
  if (!on?.length || rate === undefined || forMs === undefined) return undefined;
  return { on, messagesPerMinute: rate, forMs };
}

/** The settings present in `raw` (a policy or the defaults), each checked. */
export function readSettings(
  p: Problems,
  raw: Record<string, unknown>,
  path: string,
): PolicySettings {
  const out: PolicySettings = {};
  const at = (key: string) => childPath(path, key);
  const has = (key: string) => raw[key] !== undefined;
  if (has('maxConnections')) {
    out.maxConnections = readInt(p, raw.maxConnections, at('maxConnections'), 1, 10_000);
  }
  if (has('maxMessagesPerConnection')) {
    const key = 'maxMessagesPerConnection';
    out.maxMessagesPerConnection = readInt(p, raw[key], at(key), 1, 1_000_000);
  }
  if (has('messagesPerMinute')) {
    out.messagesPerMinute = readRate(p, raw.messagesPerMinute, at('messagesPerMinute'));
  }
  if (has('messagesPerHour')) {
    out.messagesPerHour = readRate(p, raw.messagesPerHour, at('messagesPerHour'));
  }
  if (has('retrySchedule')) {
    out.retrySchedule = readEach(p, raw.retrySchedule, at('retrySchedule'), (v, where) =>
      readDuration(p, v, where),
    );
  }
  if (has('bounceAfter')) out.bounceAfterMs = readDuration(p, raw.bounceAfter, at('bounceAfter'));
  if (has('tls')) {
    const tls = raw.tls as TlsPolicy;
    out.tls = TLS_POLICIES.includes(tls)
      ? tls
      : p.add(at('tls'), `${show(tls)} is not one of ${TLS_POLICIES.join(', ')}`);
  }
  if (has('pool')) out.pool = readPool(p, raw.pool, at('pool'));
  if (has('shards')) out.shards = readInt(p, raw.shards, at('shards'), 1, MAX_SHARDS);
  if (has('backoff')) {
    out.backoff = readBackoff(p, raw.backoff, at('backoff'));
  }
  return out;
}

function readPool(p: Problems, value: unknown, path: string): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string' && POOL.test(value)) return value;
  return p.add(path, `${show(value)} is not a pool name (letters, digits, ".", "_", "-")`);
}

function readDomain(p: Problems, value: unknown, path: string): string | undefined {
  const s = readString(p, value, path);
  if (s === undefined) return undefined;
  const domain = normalizeDomain(domainToASCII(s.trim()));
  return domain ?? p.add(path, `${show(s)} is not a domain name`);
}

function readSuffix(p: Problems, value: unknown, path: string): string | undefined {
  const s = readString(p, value, path);
  if (s === undefined) return undefined;
  const trimmed = s.trim();
  if (!trimmed.startsWith('.')) {
    return p.add(path, `${show(s)} must start with "." (list the domain itself under domains)`);
  }
  const domain = normalizeDomain(domainToASCII(trimmed.slice(1)));
  return domain ? `.${domain}` : p.add(path, `${show(s)} is not a domain suffix`);
}

function readGlob(p: Problems, value: unknown, path: string): string | undefined {
  const s = readString(p, value, path);
  if (s === undefined) return undefined;
  const glob = normalizeHost(s);
  const problem = globProblem(glob);
  return problem ? p.add(path, `${show(s)} ${problem}`) : glob;
}

function readMatch(p: Problems, value: unknown, path: string): PolicyMatch | undefined {
  const raw = readMapping(p, value, path, MATCH_KEYS);
  if (!raw) return undefined;
  const before = p.list.length;
  const match: PolicyMatch = {};
  const lists = [
    ['domains', readDomain],
    ['suffixes', readSuffix],
    ['mxHosts', readGlob],
  ] as const;
  for (const [key, item] of lists) {
    if (raw[key] === undefined) continue;
    const read = readEach(p, raw[key], childPath(path, key), (v, at) => item(p, v, at));
    if (read) match[key] = [...new Set(read)];
  }
  if (p.list.length > before) return undefined;
  if (!match.domains?.length && !match.suffixes?.length && !match.mxHosts?.length) {
    return p.add(path, 'matches nothing: give domains, suffixes or mxHosts');
  }
  return match;
}

function readName(p: Problems, value: unknown, path: string): string | undefined {
  if (typeof value !== 'string' || !NAME.test(value)) {
    return p.add(
      path,
      `${show(value)} is not a policy name (lower-case letters, digits, ".", "_", "-")`,
    );
  }
  if (value === DEFAULT_POLICY_NAME) return p.add(path, `"${value}" is reserved for the defaults`);
  return value;
}

/** One policy in document form, or undefined (with problems recorded) if it is not valid. */
export function readPolicyEntry(
  p: Problems,
  value: unknown,
  path: string,
): DomainPolicy | undefined {
  const raw = readMapping(p, value, path, POLICY_KEYS);
  if (!raw) return undefined;
  const before = p.list.length;
  if (raw.name === undefined) p.add(childPath(path, 'name'), 'is required');
  if (raw.match === undefined) p.add(childPath(path, 'match'), 'is required');
  const name = raw.name === undefined ? undefined : readName(p, raw.name, childPath(path, 'name'));
  const match =
    raw.match === undefined ? undefined : readMatch(p, raw.match, childPath(path, 'match'));
  const settings = readSettings(p, raw, path);
  if (p.list.length > before || name === undefined || match === undefined) return undefined;
  return { name, match, ...settings };
}

/** The document form of a policy (durations as "10m"), e.g. to store or show an override. */
export function policyToDocument(policy: DomainPolicy): Record<string, unknown> {
  const { retrySchedule, bounceAfterMs, backoff, ...rest } = policy;
  const doc: Record<string, unknown> = { ...rest };
  for (const key of ['messagesPerMinute', 'messagesPerHour'] as const) {
    if (policy[key] === null) doc[key] = 'unlimited';
  }
  if (retrySchedule !== undefined) doc.retrySchedule = retrySchedule.map(formatDuration);
  if (bounceAfterMs !== undefined) doc.bounceAfter = formatDuration(bounceAfterMs);
  if (backoff !== undefined) {
    doc.backoff = backoff && {
      on: backoff.on,
      messagesPerMinute: backoff.messagesPerMinute,
      for: formatDuration(backoff.forMs),
    };
  }
  return doc;
}
