// Which of a set of addresses the tenant's suppression list covers, by address
// (hash) or by domain. One query of _id lookups per call, so a page of a
// recipient stream costs one extra round trip however long the list is.
import type { SuppressionDoc, SuppressionRepository } from '@postline/list/data-access';
import { suppressionKeysFor } from '@postline/list/domain';

/** Maps each suppressed address to the entries that suppress it; others are absent. */
export async function suppressionsOf(
  repo: Pick<SuppressionRepository, 'findKeys'>,
  tenantId: string,
  addresses: string[],
): Promise<Map<string, SuppressionDoc[]>> {
  const keysOf = new Map(addresses.map((a) => [a, suppressionKeysFor(tenantId, a)]));
  const unique = [...new Set([...keysOf.values()].flat())];
  const found = new Map((await repo.findKeys(unique)).map((d) => [d._id, d]));
  const out = new Map<string, SuppressionDoc[]>();
  if (found.size === 0) return out;
  for (const [address, keys] of keysOf) {
    const entries = keys.flatMap((k) => found.get(k) ?? []);
    if (entries.length > 0) out.set(address, entries);
  }
  return out;
}

/** The addresses among `addresses` that were erased (GDPR): they may not be imported again. */
export async function erasedAmong(
  repo: Pick<SuppressionRepository, 'findKeys'>,
  tenantId: string,
  addresses: string[],
): Promise<Set<string>> {
  const found = await suppressionsOf(repo, tenantId, addresses);
  return new Set(
    [...found].filter(([, entries]) => entries.some((e) => e.reason === 'erased')).map(([a]) => a),
  );
}
