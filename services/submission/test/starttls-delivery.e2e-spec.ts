// A real client (nodemailer) authenticates over STARTTLS and submits one message
// for two domains; the service answers 250 only once both per-domain parts are
// on mail.outbound.v1, with Message-ID/Date added and the client's bytes intact.
import nodemailer from 'nodemailer';
import {
  decodeOutbound,
  fromDomain,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

describe('submission over STARTTLS with AUTH', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('queues one OutboundMessage per recipient domain, fixed up, before answering 250', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sut.smtpPort,
      secure: false,
      requireTLS: true,
      auth: { user: sut.username, pass: sut.secret },
      tls: { rejectUnauthorized: false },
    });
    const body = 'Hello from the app.\r\n\r\n.leading dot line\r\nlast line\r\n';
    const raw =
      `From: App <noreply@${sut.senderDomain}>\r\n` +
      'To: a@one.test, B@Two.TEST\r\n' +
      'Subject: submission e2e\r\n' +
      'X-Custom:  keep   my spacing\r\n' +
      `\r\n${body}`;
    const info = await transport.sendMail({
      envelope: { from: `noreply@${sut.senderDomain}`, to: ['a@one.test', 'B@Two.TEST'] },
      raw,
    });
    transport.close();
    expect(info.response).toMatch(/^250 2\.0\.0 Queued as [0-9a-f]{32}$/);
    const queueId = info.response.split(' ').pop();

    // The 250 came after the acks, so both parts are on the topic now.
    const records = await sut.outbound.waitFor(
      fromDomain(sut.senderDomain),
      2,
      15000,
      'outbound parts',
    );
    const parts = records
      .map(decodeOutbound)
      .sort((x, y) => x.routingKey.localeCompare(y.routingKey));
    expect(parts.map((p) => [p.routingKey, p.envelope?.rcptTo])).toEqual([
      ['one.test', ['a@one.test']],
      // nodemailer lower-cases the domain of envelope addresses it sends.
      ['two.test', ['B@two.test']],
    ]);
    expect(records.map((r) => r.message.key?.toString()).sort()).toEqual(['one.test', 'two.test']);
    const mime = Buffer.from(parts[0].rawMime).toString('latin1');
    expect(mime).toMatch(
      /^Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n\tby submit\.postline\.test \(Postline submission\) with ESMTPSA \(version=TLSv1\.[23] cipher=\S+\)\r\n/,
    );
    expect(mime).toContain(`Message-ID: <${queueId}@submit.postline.test>\r\n`);
    expect(mime).toMatch(/\r\nDate: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\n/);
    // Everything the client sent is kept byte for byte; only the fix-ups were added.
    const withoutFixups = mime
      .replace(/^Received: [^\r]*\r\n(\t[^\r]*\r\n)*/, '')
      .replace(/Message-ID: [^\r]*\r\nDate: [^\r]*\r\n/, '');
    expect(withoutFixups).toBe(raw);
    expect(Buffer.from(parts[1].rawMime).equals(Buffer.from(parts[0].rawMime))).toBe(true);
  });
});
