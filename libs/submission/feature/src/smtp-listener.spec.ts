// The listener's tuning of smtp-server, over a loopback socket: the greeting
// pause is our setting, replies the library words itself carry our catalogue's
// enhanced codes, and command lines are held to RFC 5321's 512 octets.
import {
  authPlainLine,
  metricValue,
  RawPeer,
  startSpecListener,
  type SpecListener,
} from './listener.spec-support';

describe('SubmissionListener', () => {
  let sut: SpecListener | undefined;
  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  it('greets at once when no early-talker pause is configured', async () => {
    sut = await startSpecListener();
    const peer = await RawPeer.connect(sut.port);
    expect(await peer.reply()).toBe('220 submit.test ESMTP Postline submission');
    peer.close();
  });

  it('refuses a client that talks during a configured early-talker pause with 421 4.7.0', async () => {
    sut = await startSpecListener({ greetingDelayMs: 2000 });
    const peer = await RawPeer.connect(sut.port);
    peer.write('EHLO hasty.test\r\n');
    expect(await peer.reply()).toBe(
      '421 4.7.0 Client talked before the greeting, closing connection',
    );
    await peer.closedByServer();
    expect(await metricValue(sut.registry, 'sessions_refused_total{reason="EARLY_TALKER"}')).toBe(
      1,
    );
  });

  it("rewrites the library's MAIL-before-AUTH reply to 530 5.7.0 from the catalogue", async () => {
    sut = await startSpecListener();
    const peer = await RawPeer.connect(sut.port);
    await peer.reply();
    await peer.command('EHLO c.test');
    expect(await peer.command('MAIL FROM:<a@b.test>')).toBe('530 5.7.0 Authentication required');
    peer.close();
  });

  it('answers a command line over 512 octets with 500 5.5.2 without running it, and goes on', async () => {
    sut = await startSpecListener();
    const peer = await RawPeer.connect(sut.port);
    await peer.reply();
    await peer.command('EHLO c.test');
    expect(await peer.command(authPlainLine('app', 'a-long-enough-secret'))).toMatch(/^235 /);
    const tooLong = `MAIL FROM:<a@example.com> ${'X'.repeat(512)}`;
    expect(await peer.command(tooLong)).toBe('500 5.5.2 Line too long');
    // The refused MAIL did not start a transaction.
    expect(await peer.command('RCPT TO:<b@one.test>')).toMatch(/^503 /);
    // 512 octets including CRLF is still a command line.
    expect(await peer.command(`NOOP ${'x'.repeat(505)}`)).toMatch(/^250 /);
    expect(await peer.command(`NOOP ${'x'.repeat(506)}`)).toBe('500 5.5.2 Line too long');
    peer.close();
  });

  it('lets an AUTH line exceed 512 octets (RFC 4954) and ends the session past 12288', async () => {
    sut = await startSpecListener();
    const peer = await RawPeer.connect(sut.port);
    await peer.reply();
    await peer.command('EHLO c.test');
    expect(await peer.command(authPlainLine('app', 'x'.repeat(3000)))).toBe(
      '535 5.7.8 Authentication credentials invalid',
    );
    expect(await peer.command(`NOOP ${'x'.repeat(13000)}`)).toBe(
      '421 4.7.0 Line too long, closing connection',
    );
    await peer.closedByServer();
  });

  it('closes an idle session with 421 4.4.2 and counts it', async () => {
    sut = await startSpecListener({ idleTimeoutMs: 200 });
    const peer = await RawPeer.connect(sut.port);
    await peer.reply();
    expect(await peer.reply()).toBe('421 4.4.2 Idle timeout, closing connection');
    await peer.closedByServer();
    expect(
      await metricValue(sut.registry, 'sessions_terminated_total{reason="IDLE_TIMEOUT"}'),
    ).toBe(1);
  });
});
