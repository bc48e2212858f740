// The shutdown drain over loopback sockets: new sessions hear 421 4.3.2, idle
// ones are closed with it, a DATA in hand finishes with 250 before its 421, and
// a DATA that does not finish in the grace period is cut with nothing queued.
import {
  authenticatedPeer,
  metricValue,
  RawPeer,
  startSpecListener,
  type SpecListener,
} from './listener.spec-support';

async function midData(port: number): Promise<RawPeer> {
  const peer = await authenticatedPeer(port);
  await peer.command('MAIL FROM:<a@example.com>');
  await peer.command('RCPT TO:<b@one.test>');
  expect(await peer.command('DATA')).toMatch(/^354 /);
  peer.write('From: a@example.com\r\nSubject: in flight\r\n\r\nfirst half\r\n');
  return peer;
}

describe('drain on shutdown', () => {
  let sut: SpecListener | undefined;
  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  it('lets a DATA in hand finish with 250, closes idle sessions and refuses new ones with 421 4.3.2', async () => {
    sut = await startSpecListener();
    const busy = await midData(sut.port);
    const idle = await authenticatedPeer(sut.port);
    const drained = sut.supervisor.drain(10_000, 1000);

    expect(await idle.reply()).toBe('421 4.3.2 Service shutting down, try again later');
    const late = await RawPeer.connect(sut.port);
    expect(await late.reply()).toBe('421 4.3.2 Service shutting down, try again later');

    busy.write('second half\r\n.\r\n');
    expect(await busy.reply()).toMatch(/^250 2\.0\.0 Queued as [0-9a-f]{32}$/);
    expect(await busy.reply()).toBe('421 4.3.2 Service shutting down, try again later');
    await drained;
    expect(sut.sent.filter((s) => s.topic === 'mail.outbound.v1')).toHaveLength(1);
    expect(await metricValue(sut.registry, 'sessions_refused_total{reason="SHUTTING_DOWN"}')).toBe(
      1,
    );
    expect(
      await metricValue(sut.registry, 'sessions_terminated_total{reason="SHUTTING_DOWN"}'),
    ).toBe(2);
  });

  it('cuts a DATA still arriving when the grace period ends, and queues nothing', async () => {
    sut = await startSpecListener();
    const busy = await midData(sut.port);
    await sut.supervisor.drain(100, 100);
    expect(await busy.reply()).toBe('421 4.3.2 Service shutting down, try again later');
    await busy.closedByServer();
    expect(sut.sent).toEqual([]);
  });

  it('lets a client QUIT politely while its session waits to be closed', async () => {
    sut = await startSpecListener();
    const busy = await midData(sut.port);
    const drained = sut.supervisor.drain(10_000, 1000);
    busy.write('.\r\nQUIT\r\n');
    expect(await busy.reply()).toMatch(/^250 /);
    expect(await busy.reply()).toMatch(/^221 /);
    await drained;
  });
});
