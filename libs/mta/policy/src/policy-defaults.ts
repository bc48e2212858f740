// The settings every destination gets unless the policy file's `defaults:` or
// a policy says otherwise. Chosen to be safe for an unknown receiver: a
// handful of connections, no rate cap (receivers signal with 421/4.7.x and
// backoff takes over), retries on the retry topics' tiers, bounce after 3 days.
import type { PolicyFields } from './policy.types';

export const BUILTIN_DEFAULTS: Readonly<PolicyFields> = Object.freeze({
  maxConnections: 10,
  maxMessagesPerConnection: 100,
  messagesPerMinute: undefined,
  messagesPerHour: undefined,
  // 1m, 10m, 1h, 6h: the tiers of mail.retry.v1.<tier>; 6h then repeats until bounce-after.
  retrySchedule: Object.freeze([60_000, 600_000, 3_600_000, 21_600_000]),
  bounceAfterMs: 3 * 86_400_000,
  tls: 'opportunistic',
  pool: undefined,
  shards: 1,
  backoff: undefined,
});

/** The name a destination's resolved policy carries when no policy matched it. */
export const DEFAULT_POLICY_NAME = 'default';

/** Upper bound on shards: each is a routing key, i.e. a queue in every worker that sees it. */
export const MAX_SHARDS = 256;
