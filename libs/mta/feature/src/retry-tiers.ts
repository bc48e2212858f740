// Retry topics of the MTA: a temporarily failed message waits in
// mail.retry.v1.<tier> rather than in a worker's memory, so a backlog of
// deferred mail never slows fresh mail (Postfix's deferred queue). A message
// goes to the longest tier not longer than its delay, so each tier's records
// come due roughly in the order they sit in the topic and the forwarder can
// stop at the first one that is not yet due.
import { parseDuration } from '@postline/mta/policy';

export interface RetryTier {
  /** As written in the setting, e.g. "10m"; part of the topic name. */
  name: string;
  delayMs: number;
}

export const RETRY_TOPIC_PREFIX = 'mail.retry.v1.';

export function retryTopic(tier: RetryTier): string {
  return `${RETRY_TOPIC_PREFIX}${tier.name}`;
}

/** Parses "1m,10m,1h,6h" into tiers sorted by delay; throws with a message naming the bad entry. */
export function parseRetryTiers(text: string): RetryTier[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new Error('at least one retry tier is needed, e.g. 1m,10m,1h,6h');
  const tiers = names.map((name) => {
    if (!/^[0-9]+[smhd]$/.test(name)) {
      throw new Error(`retry tier "${name}" must be a number and a unit (s, m, h, d), e.g. 10m`);
    }
    return { name, delayMs: parseDuration(name)! };
  });
  tiers.sort((a, b) => a.delayMs - b.delayMs);
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i].delayMs === tiers[i - 1].delayMs) {
      throw new Error(
        `retry tiers "${tiers[i - 1].name}" and "${tiers[i].name}" are the same delay`,
      );
    }
  }
  return tiers;
}

/** The longest tier whose delay is not longer than `delayMs`; the shortest for shorter delays. */
export function tierFor(delayMs: number, tiers: readonly RetryTier[]): RetryTier {
  let chosen = tiers[0];
  for (const tier of tiers) if (tier.delayMs <= delayMs) chosen = tier;
  return chosen;
}
