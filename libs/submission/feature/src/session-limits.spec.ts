// Session limits over loopback sockets: sessions per address and overall, the
// total session time, and the minimum DATA rate against slowloris clients.
import {
  authenticatedPeer,
  metricValue,
  RawPeer,
  startSpecListener,
  until,
  type SpecListener,
} from './listener.spec-support';

describe('session limits', () => {
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

  it('refuses a session over the per-address bound with 421 4.7.0 at the greeting, not other addresses', async () => {
    sut = await startSpecListener({ maxConnectionsPerIp: 2 });
    for (let i = 0; i < 2; i++) expect(await (await open()).reply()).toMatch(/^220 /);
    const third = await open();
    expect(await third.reply()).toBe(
      '421 4.7.0 Too many connections from your address, try again later',
    );
    await third.closedByServer();
    expect(await (await open('127.0.0.2')).reply()).toMatch(/^220 /);
    expect(
      await metricValue(
        sut.registry,
        'sessions_refused_total{reason="TOO_MANY_CONNECTIONS_FROM_IP"}',
      ),
    ).toBe(1);
  });

  it('admits a new session from an address once one of its sessions closed', async () => {
    sut = await startSpecListener({ maxConnectionsPerIp: 1 });
    const first = await open();
    await first.reply();
    await first.command('QUIT');
    await until(() => sut!.supervisor.activeSessions === 0);
    expect(await (await open()).reply()).toMatch(/^220 /);
  });

  it('refuses any session over the overall bound with 421 4.7.0', async () => {
    sut = await startSpecListener({ maxConnections: 2 });
    await (await open('127.0.0.2')).reply();
    await (await open('127.0.0.3')).reply();
    expect(await (await open('127.0.0.4')).reply()).toBe(
      '421 4.7.0 Too many connections, try again later',
    );
  });

  it('ends a session at its total time limit with 421 4.4.2, even a busy one', async () => {
    sut = await startSpecListener({ maxSessionMs: 300 });
    const peer = await authenticatedPeer(sut.port);
    peers.push(peer);
    // Keeps talking, so the idle timeout never fires; the session limit still does.
    let reply = '';
    while (!reply.startsWith('421')) reply = await peer.command('NOOP');
    expect(reply).toBe('421 4.4.2 Session time limit reached, closing connection');
    await peer.closedByServer();
    expect(
      await metricValue(sut.registry, 'sessions_terminated_total{reason="SESSION_TIME_EXCEEDED"}'),
    ).toBe(1);
  });

  it('cuts a client that trickles DATA with 421 4.4.2 and queues nothing', async () => {
    sut = await startSpecListener({ minDataRateBytesPerSecond: 1000, dataRateWindowMs: 200 });
    const peer = await authenticatedPeer(sut.port);
    peers.push(peer);
    await peer.command('MAIL FROM:<a@example.com>');
    await peer.command('RCPT TO:<b@one.test>');
    expect(await peer.command('DATA')).toMatch(/^354 /);
    peer.write('Subject: slow\r\n\r\n');
    const trickle = setInterval(() => peer.write('x'), 20);
    try {
      expect(await peer.reply()).toBe(
        '421 4.4.2 Message data arriving too slowly, closing connection; nothing was queued',
      );
      await peer.closedByServer();
    } finally {
      clearInterval(trickle);
    }
    expect(sut.sent).toEqual([]);
    expect(
      await metricValue(sut.registry, 'sessions_terminated_total{reason="DATA_TOO_SLOW"}'),
    ).toBe(1);
  });

  it('accepts DATA that arrives faster than the minimum rate', async () => {
    sut = await startSpecListener({ minDataRateBytesPerSecond: 1000, dataRateWindowMs: 200 });
    const peer = await authenticatedPeer(sut.port);
    peers.push(peer);
    await peer.command('MAIL FROM:<a@example.com>');
    await peer.command('RCPT TO:<b@one.test>');
    await peer.command('DATA');
    expect(await peer.command('From: a@example.com\r\nSubject: fast\r\n\r\nhello\r\n.')).toMatch(
      /^250 2\.0\.0 /,
    );
  });

  it('refuses a message with a text line over 1000 octets with 500 5.5.2 and stays usable', async () => {
    sut = await startSpecListener();
    const peer = await authenticatedPeer(sut.port);
    peers.push(peer);
    await peer.command('MAIL FROM:<a@example.com>');
    await peer.command('RCPT TO:<b@one.test>');
    await peer.command('DATA');
    expect(
      await peer.command(`From: a@example.com\r\nSubject: long\r\n\r\n${'y'.repeat(999)}\r\n.`),
    ).toBe(
      '500 5.5.2 Line too long: message lines are limited to 1000 octets including CRLF (RFC 5321 4.5.3.1.6)',
    );
    expect(sut.sent).toEqual([]);
    await peer.command('MAIL FROM:<a@example.com>');
    await peer.command('RCPT TO:<b@one.test>');
    await peer.command('DATA');
    expect(
      await peer.command(`From: a@example.com\r\nSubject: ok\r\n\r\n${'y'.repeat(998)}\r\n.`),
    ).toMatch(/^250 /);
  });
});
