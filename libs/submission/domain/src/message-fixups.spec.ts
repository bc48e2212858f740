import {
  applySubmissionFixups,
  headerInsertionPoint,
  receivedHeader,
  rfc5322Date,
  type TraceInfo,
} from './message-fixups';

const trace: TraceInfo = {
  heloName: 'client.example',
  clientAddress: '127.0.0.1',
  serverName: 'submit.postline.test',
  queueId: '0123456789abcdef0123456789abcdef',
  authenticated: true,
  tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
  receivedAt: new Date('2026-11-28T13:34:08Z'),
};
const b = (s: string) => Buffer.from(s, 'latin1');

describe('RFC 6409 §8 fix-ups', () => {
  it('formats dates as RFC 5322 date-time in UTC', () => {
    expect(rfc5322Date(trace.receivedAt)).toBe('Sat, 28 Nov 2026 13:34:08 +0000');
  });

  it('adds Message-ID and Date when missing, after the client header, and keeps the body', () => {
    const body = 'Hello\r\n\r\n  spaced \t line\r\n';
    const { message, addedMessageId, addedDate } = applySubmissionFixups(
      b(`From: a@x.test\r\nSubject: hi\r\n\r\n${body}`),
      trace,
    );
    expect(addedMessageId).toBe('<0123456789abcdef0123456789abcdef@submit.postline.test>');
    expect(addedDate).toBe('Sat, 28 Nov 2026 13:34:08 +0000');
    expect(message.toString('latin1')).toBe(
      receivedHeader(trace) +
        'From: a@x.test\r\nSubject: hi\r\n' +
        `Message-ID: ${addedMessageId}\r\nDate: ${addedDate}\r\n` +
        `\r\n${body}`,
    );
  });

  it('keeps an existing Message-ID and Date (any case, folded) untouched', () => {
    const original =
      'message-id:\r\n <m1@x.test>\r\nDATE: Fri, 27 Nov 2026 10:00:00 +0100\r\n\r\nx\r\n';
    const { message, addedMessageId, addedDate } = applySubmissionFixups(b(original), trace);
    expect(addedMessageId).toBeUndefined();
    expect(addedDate).toBeUndefined();
    expect(message.toString('latin1')).toBe(receivedHeader(trace) + original);
  });

  it('keeps 8-bit bytes of the client message byte for byte', () => {
    const raw = Buffer.concat([
      b('Subject: x\r\nMessage-ID: <a@b>\r\nDate: d\r\n\r\n'),
      Buffer.from([0xc3, 0xa9, 0x0d, 0x0a]),
    ]);
    const { message } = applySubmissionFixups(raw, trace);
    expect(message.subarray(message.length - raw.length).equals(raw)).toBe(true);
  });

  it('handles a message without header lines and one without a body', () => {
    expect(headerInsertionPoint(b('\r\nbody\r\n'))).toBe(0);
    expect(headerInsertionPoint(b('Subject: x\r\n'))).toBe(12);
    const { message } = applySubmissionFixups(b('\r\nbody\r\n'), trace);
    expect(message.toString('latin1')).toMatch(/\r\nDate: [^\r]+\r\n\r\nbody\r\n$/);
  });

  it('writes a Received header naming TLS version and cipher and ESMTPSA', () => {
    expect(receivedHeader(trace)).toBe(
      'Received: from client.example ([127.0.0.1])\r\n' +
        '\tby submit.postline.test (Postline submission) with ESMTPSA' +
        ' (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384)\r\n' +
        '\tid 0123456789abcdef0123456789abcdef; Sat, 28 Nov 2026 13:34:08 +0000\r\n',
    );
  });

  it('strips control characters from the client-chosen HELO name in the trace header', () => {
    const h = receivedHeader({ ...trace, heloName: 'evil\r\nX-Injected: 1', tls: undefined });
    expect(h.split('\r\n')[0]).toBe('Received: from evilX-Injected:1 ([127.0.0.1])');
    expect(h).toContain('with ESMTPA\r\n');
  });
});
