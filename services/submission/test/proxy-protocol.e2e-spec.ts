// PROXY protocol behind an allow-listed load balancer (here 127.0.0.1, the
// scenario's own address): the address in the header is the client's, so the
// per-address bound counts 203.0.113.7 and not the balancer, and the Received
// header names it. A peer outside the allow-list (127.0.0.2) that sends a PROXY
// header gets 421 and is closed; the balancer without a header is closed too.
import { authPlain, SmtpLineClient } from './support/smtp-line-client';
import {
  decodeOutbound,
  fromDomain,
  metricValue,
  sendOne,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

describe('PROXY protocol', () => {
  let sut: SubmissionUnderTest;
  const open: SmtpLineClient[] = [];

  beforeAll(async () => {
    sut = await startSubmission({
      POSTLINE_SUBMISSION_PROXY_ALLOWED_CIDRS: '127.0.0.1/32',
      POSTLINE_SUBMISSION_MAX_CONNECTIONS_PER_IP: '2',
    });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await sut?.stop();
  });

  /** A connection as the balancer makes it: the PROXY v1 line first, then the client's bytes. */
  const viaBalancer = async (client: string) => {
    const c = await SmtpLineClient.connect(sut.smtpPort, { localAddress: '127.0.0.1' });
    open.push(c);
    c.write(`PROXY TCP4 ${client} 192.0.2.25 51234 587\r\n`);
    return { client: c, greeting: await c.reply() };
  };

  it('counts the per-address bound on the address the PROXY header gives', async () => {
    expect((await viaBalancer('203.0.113.7')).greeting).toMatch(/^220 /);
    expect((await viaBalancer('203.0.113.7')).greeting).toMatch(/^220 /);
    const third = await viaBalancer('203.0.113.7');
    expect(third.greeting).toBe(
      '421 4.7.0 Too many connections from your address, try again later',
    );
    await third.client.closedByServer();
    // The balancer itself is not the one limited: another client behind it gets in.
    expect((await viaBalancer('203.0.113.8')).greeting).toMatch(/^220 /);
    expect(
      await metricValue(
        sut.service.httpUrl,
        'sessions_refused_total{reason="TOO_MANY_CONNECTIONS_FROM_IP"}',
      ),
    ).toBe(1);
    for (const c of open.splice(0)) c.close();
  });

  it('names the proxied client in the Received header of an accepted message', async () => {
    const { client: c, greeting } = await viaBalancer('203.0.113.9');
    expect(greeting).toMatch(/^220 /);
    await c.command('EHLO client.test');
    expect(await c.startTls()).toMatch(/^220 /);
    await c.command('EHLO client.test');
    expect(await c.command(`AUTH PLAIN ${authPlain(sut.username, sut.secret)}`)).toMatch(/^235 /);
    const from = `app@${sut.senderDomain}`;
    expect(await sendOne(c, from, 'someone@example.net', 'via proxy')).toMatch(/^250 /);
    const [record] = await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'part');
    const mime = Buffer.from(decodeOutbound(record).rawMime).toString('latin1');
    expect(mime).toMatch(/^Received: from \S+ \(\[203\.0\.113\.9\]\)/);
  });

  it('takes a binary PROXY v2 header from the balancer as well', async () => {
    const c = await SmtpLineClient.connect(sut.smtpPort, { localAddress: '127.0.0.1' });
    open.push(c);
    // Signature, PROXY over TCP4, 12 address bytes: 198.51.100.4:40000 -> 192.0.2.25:587.
    const signature = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
    const body = Buffer.from([198, 51, 100, 4, 192, 0, 2, 25, 0x9c, 0x40, 0x02, 0x4b]);
    c.write(Buffer.concat([signature, Buffer.from([0x21, 0x11, 0, body.length]), body]));
    expect(await c.reply()).toMatch(/^220 /);
    const ehlo = await c.command('EHLO client.test');
    expect(ehlo).toContain('[198.51.100.4]');
  });

  it('refuses a PROXY header from a peer outside the allow-list with 421 and closes', async () => {
    const c = await SmtpLineClient.connect(sut.smtpPort, { localAddress: '127.0.0.2' });
    open.push(c);
    expect(await c.reply()).toMatch(/^220 /);
    expect(await c.command('PROXY TCP4 203.0.113.7 192.0.2.25 51234 587')).toBe(
      '421 4.7.0 PROXY header not accepted from this address, closing connection',
    );
    await c.closedByServer();
  });

  it('closes a connection from the balancer that does not start with a PROXY header', async () => {
    const c = await SmtpLineClient.connect(sut.smtpPort, { localAddress: '127.0.0.1' });
    open.push(c);
    c.write('EHLO client.test\r\n');
    await c.closedByServer();
  });
});
