// PROXY protocol over loopback sockets: the address a listed balancer's header
// carries is the one the per-address bound counts; a header from an unlisted peer
// ends the session, and a listed peer without a header is refused.
import { PROXY_V2_SIGNATURE } from '@postline/submission/domain';
import { RawPeer, startSpecListener, type SpecListener } from './listener.spec-support';

/** A binary v2 header: PROXY over TCP4 from `source`, or LOCAL without one. */
function v2Header(source?: [number, number, number, number]): Buffer {
  const fixed = Buffer.from([source ? 0x21 : 0x20, source ? 0x11 : 0x00, 0, source ? 12 : 0]);
  if (!source) return Buffer.concat([PROXY_V2_SIGNATURE, fixed]);
  const body = Buffer.from([...source, 192, 0, 2, 1, 0x9c, 0x40, 0x02, 0x4b]);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, body]);
}

describe('PROXY protocol from allow-listed load balancers', () => {
  let sut: SpecListener | undefined;
  const peers: RawPeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) p.close();
    await sut?.close();
    sut = undefined;
  });
  const open = async (localAddress?: string) => {
    const p = await RawPeer.connect(sut!.port, localAddress);
    peers.push(p);
    return p;
  };
  const proxied = async (source: string) => {
    const p = await open();
    p.write(`PROXY TCP4 ${source} 192.0.2.1 40000 587\r\n`);
    return p;
  };

  it('counts the per-address bound on the address from the header, not the balancer', async () => {
    sut = await startSpecListener({ maxConnectionsPerIp: 1, proxyAllowedCidrs: '127.0.0.0/8' });
    expect(await (await proxied('203.0.113.7')).reply()).toMatch(/^220 /);
    const second = await proxied('203.0.113.7');
    expect(await second.reply()).toBe(
      '421 4.7.0 Too many connections from your address, try again later',
    );
    // Same balancer, another client behind it: admitted.
    expect(await (await proxied('203.0.113.8')).reply()).toMatch(/^220 /);
  });

  it('reads a binary v2 header too, and the bound counts the client it names', async () => {
    sut = await startSpecListener({ maxConnectionsPerIp: 1, proxyAllowedCidrs: '127.0.0.0/8' });
    const first = await open();
    // The header and the first command in one packet: the command must survive.
    first.socket.write(Buffer.concat([v2Header([203, 0, 113, 7]), Buffer.from('NOOP\r\n')]));
    expect(await first.reply()).toMatch(/^220 /);
    expect(await first.reply()).toMatch(/^250 /);
    const second = await open();
    second.socket.write(v2Header([203, 0, 113, 7]));
    expect(await second.reply()).toMatch(/^421 4\.7\.0 Too many connections from your address/);
    // A v1 line from another client behind the same balancer still works.
    expect(await (await proxied('203.0.113.8')).reply()).toMatch(/^220 /);
  });

  it('admits a v2 LOCAL connection (balancer health check) under the balancer address', async () => {
    sut = await startSpecListener({ proxyAllowedCidrs: '127.0.0.1' });
    const peer = await open();
    peer.socket.write(v2Header());
    expect(await peer.reply()).toMatch(/^220 /);
  });

  it('refuses a v2 header with an unknown command', async () => {
    sut = await startSpecListener({ proxyAllowedCidrs: '127.0.0.1' });
    const peer = await open();
    const bad = v2Header([203, 0, 113, 7]);
    bad[12] = 0x2f;
    peer.socket.write(bad);
    await peer.closedByServer();
    expect(sut.supervisor.activeSessions).toBe(0);
  });

  it('ends the session of an unlisted peer that sends a PROXY header', async () => {
    sut = await startSpecListener({ proxyAllowedCidrs: '10.0.0.0/8' });
    const peer = await open();
    expect(await peer.reply()).toMatch(/^220 /);
    expect(await peer.command('PROXY TCP4 203.0.113.7 192.0.2.1 40000 587')).toBe(
      '421 4.7.0 PROXY header not accepted from this address, closing connection',
    );
    await peer.closedByServer();
  });

  it('ends the session of a PROXY header when PROXY is off', async () => {
    sut = await startSpecListener({ proxyAllowedCidrs: '' });
    const peer = await open();
    await peer.reply();
    expect(await peer.command('PROXY TCP4 203.0.113.7 192.0.2.1 40000 587')).toMatch(
      /^421 4\.7\.0 /,
    );
    await peer.closedByServer();
  });

  it('refuses a listed balancer whose connection does not start with a PROXY header', async () => {
    sut = await startSpecListener({ proxyAllowedCidrs: '127.0.0.1' });
    const peer = await open();
    peer.write('EHLO client.test\r\n');
    await peer.closedByServer();
    expect(sut.supervisor.activeSessions).toBe(0);
  });

  it('refuses a header whose source is not an IP address', async () => {
    sut = await startSpecListener({ proxyAllowedCidrs: '127.0.0.1' });
    const peer = await open();
    peer.write('PROXY TCP4 evil.example 192.0.2.1 40000 587\r\n');
    await peer.closedByServer();
  });
});
