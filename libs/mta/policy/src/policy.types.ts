// The shapes of domain policies: what an operator writes (DomainPolicy, with
// any tunable left out to inherit the defaults), and what the delivery engine
// reads (ResolvedPolicy, every tunable filled in, plus the budget it spends).

export type TlsPolicy = 'opportunistic' | 'required' | 'disabled';

/** An SMTP reply as the dispatcher reports it (RFC 5321 code, RFC 3463 enhanced code, text). */
export interface ReplyLike {
  code: number;
  enhancedCode?: string;
  text?: string;
}

/**
 * When a reply should put a budget into backoff. Every criterion given must
 * match (AND); within a criterion any one value is enough (OR).
 */
export interface BackoffRule {
  /** Basic reply codes, e.g. [421, 451]. */
  codes?: number[];
  /** Enhanced status code patterns, each part a number or "*": "4.7.*", "4.*.*", "5.7.1". */
  enhanced?: string[];
  /** Case-insensitive substrings of the reply text, or "/regex/" (also case-insensitive). */
  text?: string[];
}

export interface BackoffPolicy {
  /** Any one matching rule arms the backoff. */
  on: BackoffRule[];
  /** The budget's rate while in backoff (for the whole domain; shards split it like the normal rate). */
  messagesPerMinute: number;
  /** How long backoff lasts after the last matching reply. */
  forMs: number;
}

/** Every tunable of a policy, as the engine reads it; undefined rate = unlimited. */
export interface PolicyFields {
  /** Concurrent SMTP connections. */
  maxConnections: number;
  maxMessagesPerConnection: number;
  messagesPerMinute?: number;
  messagesPerHour?: number;
  /** Delay before the next attempt after attempt 1, 2, ...; the last step repeats (see retryDelayFor). */
  retrySchedule: readonly number[];
  /** A message this old (since its first attempt) that still fails temporarily is bounced. */
  bounceAfterMs: number;
  tls: TlsPolicy;
  /** Source IP pool that overrides the message's own. */
  pool?: string;
  /** Routing keys per domain (>= 1); each shard gets 1/shards of the rates and connections. */
  shards: number;
  backoff?: BackoffPolicy;
}

export interface PolicyMatch {
  /** Exact recipient domains. */
  domains?: string[];
  /** ".example.com" matches every sub-domain of example.com (not example.com itself). */
  suffixes?: string[];
  /** MX host globs: "*.google.com"; "*" stands for any run of characters, dots included. */
  mxHosts?: string[];
}

/**
 * A policy as written in the YAML file or stored as a runtime override. A
 * tunable left out inherits the defaults; null means explicitly "none"
 * (unlimited rate, no pool override, no backoff) even when the defaults set one.
 */
export interface DomainPolicy {
  /** Unique; [a-z0-9][a-z0-9._-]*. A policy with mxHosts names its shared budget. */
  name: string;
  match: PolicyMatch;
  maxConnections?: number;
  maxMessagesPerConnection?: number;
  messagesPerMinute?: number | null;
  messagesPerHour?: number | null;
  retrySchedule?: readonly number[];
  bounceAfterMs?: number;
  tls?: TlsPolicy;
  pool?: string | null;
  shards?: number;
  backoff?: BackoffPolicy | null;
}

/** How a destination found its policy, in order of precedence. */
export type MatchedBy = 'domain' | 'mx' | 'suffix' | 'default';

export interface ResolvedPolicy extends PolicyFields {
  /** The policy's name, or "default". */
  name: string;
  /** The recipient domain this resolution is for. */
  domain: string;
  /**
   * The throttle budget this destination spends: "policy:<name>[#shard]" for a
   * provider rollup (a policy with mxHosts), else the routing key ("domain[#shard]").
   */
  budgetKey: string;
  matchedBy: MatchedBy;
}
