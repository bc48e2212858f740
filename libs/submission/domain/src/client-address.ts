// The key under which per-client limits (connections, AUTH failures) count a
// peer: its IPv4 address, or the /64 prefix of an IPv6 address, because one
// IPv6 subscriber usually holds a whole /64 and could otherwise take a fresh
// address for every attempt.
import { isIPv4, isIPv6 } from 'node:net';

/** Expands an IPv6 address (with "::" and an optional embedded IPv4 tail) to 8 groups. */
function ipv6Groups(address: string): string[] | undefined {
  let text = address.toLowerCase().split('%')[0];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
    text = `${text.slice(0, -v4[1].length)}${hex(a, b)}:${hex(c, d)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  return [...head, ...Array<string>(missing).fill('0'), ...tail].map((g) =>
    g.replace(/^0+(?=.)/, ''),
  );
}

export function clientKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (isIPv4(plain)) return plain;
  if (isIPv6(plain)) {
    const groups = ipv6Groups(plain);
    if (groups) return `${groups.slice(0, 4).join(':')}::/64`;
  }
  // Not an IP (a Unix socket, or a proxy that sent nothing usable): one shared bucket.
  return `other:${address.slice(0, 64)}`;
}
