// Routing keys of mail.outbound.v1: "domain" for most domains, "domain#n"
// for shard n of a big one, so its mail spreads over several partitions (and
// workers) while each recipient always lands on the same shard.
import { createHash } from 'node:crypto';
import { normalizeDomain } from '@postline/mta/routing';
import { MAX_SHARDS } from './policy-defaults';
import { PolicyArgumentError } from './policy.errors';

const SHARD = /^(0|[1-9]\d{0,2})$/;

function checkShards(shards: number): void {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new PolicyArgumentError(
      `shards must be a whole number from 1 to ${MAX_SHARDS}, got ${shards}`,
    );
  }
}

/**
 * The shard of a recipient: the first 4 bytes of SHA-256 over the trimmed,
 * lower-cased address (UTF-8), as an unsigned big-endian integer, modulo
 * shards. Stable across processes and releases, and simple to compute
 * anywhere — every producer of mail.outbound must do exactly this.
 */
export function shardOf(recipient: string, shards: number): number {
  checkShards(shards);
  if (shards === 1) return 0;
  const digest = createHash('sha256').update(recipient.trim().toLowerCase(), 'utf8').digest();
  return digest.readUInt32BE(0) % shards;
}

/** "domain" when the domain has one shard, else "domain#shard". */
export function routingKeyFor(domain: string, shard: number, shards: number): string {
  checkShards(shards);
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) {
    throw new PolicyArgumentError(
      `shard must be a whole number from 0 to ${shards - 1}, got ${shard}`,
    );
  }
  const canonical = normalizeDomain(domain);
  if (!canonical) throw new PolicyArgumentError(`"${domain}" is not a domain name`);
  return shards === 1 ? canonical : `${canonical}#${shard}`;
}

export interface RoutingKeyParts {
  domain: string;
  /** 0 for an unsharded key. */
  shard: number;
}

/** The domain and shard of "domain" or "domain#n"; undefined if the key is neither. */
export function parseRoutingKey(key: string): RoutingKeyParts | undefined {
  const hash = key.indexOf('#');
  const domain = normalizeDomain(hash === -1 ? key : key.slice(0, hash));
  if (!domain) return undefined;
  if (hash === -1) return { domain, shard: 0 };
  const shard = key.slice(hash + 1);
  if (!SHARD.test(shard) || Number(shard) >= MAX_SHARDS) return undefined;
  return { domain, shard: Number(shard) };
}
