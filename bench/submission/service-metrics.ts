// What the submission benchmark reads from the service's /metrics between runs:
// messages accepted, and the accept-latency histogram (final dot to 250:
// fix-ups and the Kafka produce with acks=all), from which a run's p99 is
// estimated as Prometheus' histogram_quantile does (linear within a bucket).

export interface Snapshot {
  accepted: number;
  /** Cumulative counts by upper bound (seconds), +Inf last. */
  buckets: Array<[number, number]>;
}

export async function snapshot(metricsUrl: string): Promise<Snapshot> {
  const text = await (await fetch(metricsUrl)).text();
  const accepted =
    /^postline_submission_messages_total\{[^}]*result="accepted"[^}]*\} (\S+)$/m.exec(text);
  const buckets: Array<[number, number]> = [];
  for (const m of text.matchAll(
    /^postline_submission_accept_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm,
  ))
    buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  buckets.sort((a, b) => a[0] - b[0]);
  return { accepted: Number(accepted?.[1] ?? 0), buckets };
}

/** The q-quantile (0..1) in milliseconds of the observations made between two snapshots. */
export function quantileMs(before: Snapshot, after: Snapshot, q: number): number {
  const counts = after.buckets.map(([le, n], i) => [le, n - (before.buckets[i]?.[1] ?? 0)]);
  const total = counts[counts.length - 1]?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of counts) {
    if (cumulative >= rank) {
      // Past the last finite bound there is nothing to interpolate to: report that bound.
      if (le === Infinity) return lower * 1000;
      const inBucket = cumulative - below;
      return (lower + (le - lower) * ((rank - below) / (inBucket || 1))) * 1000;
    }
    lower = le;
    below = cumulative;
  }
  return lower * 1000;
}
