// The binary PROXY protocol (version 2) header a load balancer may put in front
// of a connection instead of the v1 text line. smtp-server reads only v1, so the
// listener hands allow-listed connections that start with the v2 signature to
// this parser. LOCAL (the balancer's own health check) keeps the peer address;
// PROXY over TCP/UDP on IPv4/IPv6 gives the client's; anything else is refused.
import { isIP } from 'node:net';

export const PROXY_V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
const FIXED_BYTES = 16;
/** Address block plus TLVs; balancers send far less than this. */
const MAX_BODY_BYTES = 1024;

export type ProxyV2Result =
  /** More bytes are needed to decide. */
  | { kind: 'incomplete' }
  /** The bytes do not start with the v2 signature: a v1 line or no header at all. */
  | { kind: 'not-v2' }
  | { kind: 'invalid'; reason: string }
  /** `headerBytes` to drop from the stream; `source` absent for LOCAL. */
  | { kind: 'ok'; headerBytes: number; source?: { address: string; port: number } };

export function parseProxyV2(buf: Buffer): ProxyV2Result {
  const prefix = Math.min(buf.length, PROXY_V2_SIGNATURE.length);
  if (!buf.subarray(0, prefix).equals(PROXY_V2_SIGNATURE.subarray(0, prefix)))
    return { kind: 'not-v2' };
  if (buf.length < FIXED_BYTES) return { kind: 'incomplete' };
  const version = buf[12] >> 4;
  const command = buf[12] & 0x0f;
  const family = buf[13] >> 4;
  const length = buf.readUInt16BE(14);
  if (version !== 2) return { kind: 'invalid', reason: `PROXY version ${version}` };
  if (length > MAX_BODY_BYTES) return { kind: 'invalid', reason: 'PROXY v2 header too long' };
  if (buf.length < FIXED_BYTES + length) return { kind: 'incomplete' };
  const headerBytes = FIXED_BYTES + length;
  if (command === 0x0) return { kind: 'ok', headerBytes };
  if (command !== 0x1) return { kind: 'invalid', reason: `PROXY v2 command ${command}` };
  const body = buf.subarray(FIXED_BYTES, headerBytes);
  const source = family === 0x1 ? ipv4Source(body) : family === 0x2 ? ipv6Source(body) : undefined;
  if (!source) return { kind: 'invalid', reason: `PROXY v2 address family ${family}` };
  return { kind: 'ok', headerBytes, source };
}

function ipv4Source(body: Buffer): { address: string; port: number } | undefined {
  if (body.length < 12) return undefined;
  return { address: Array.from(body.subarray(0, 4)).join('.'), port: body.readUInt16BE(8) };
}

function ipv6Source(body: Buffer): { address: string; port: number } | undefined {
  if (body.length < 36) return undefined;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(body.readUInt16BE(i).toString(16));
  const address = groups.join(':');
  return isIP(address) ? { address, port: body.readUInt16BE(32) } : undefined;
}
