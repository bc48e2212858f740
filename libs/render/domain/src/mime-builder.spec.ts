import { simpleParser, type AddressObject } from 'mailparser';
import { boundaryFor, buildMime, type MimeInput } from './mime-builder';
import { RenderError } from './render-errors';

const messageId = '00112233445566778899aabbccddeeff';

function input(over: Partial<MimeInput> = {}): MimeInput {
  return {
    messageId,
    messageIdDomain: 'sender.test',
    from: { address: 'news@sender.test', name: 'Sender' },
    to: { address: 'ada@example.test', name: 'Ada' },
    subject: 'Hello',
    html: '<p>Hello</p>',
    text: 'Hello',
    date: new Date('2026-01-02T03:04:05Z'),
    ...over,
  };
}

const first = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a[0] : a)?.value[0];

describe('buildMime', () => {
  it('keeps a body that spells out the boundary inside its own part', async () => {
    const hostile = `a\r\n--${boundaryFor(messageId)}\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\nb`;
    const raw = buildMime(input({ text: hostile, html: `<p>${hostile}</p>` }));
    const mail = await simpleParser(raw);
    expect(mail.text).toBe(hostile.replace(/\r\n/g, '\n'));
    expect(mail.html).toBe(`<p>${hostile.replace(/\r\n/g, '\n')}</p>`);
    expect(mail.attachments).toHaveLength(0);
  });

  it('sends a single text/plain part when there is no HTML', async () => {
    const raw = buildMime(input({ html: '', text: 'Only text' }));
    expect(raw.toString()).not.toContain('multipart');
    const mail = await simpleParser(raw);
    expect(mail.text).toBe('Only text');
    expect(mail.html).toBe(false);
  });

  it('sends a single text/html part when the text is empty', async () => {
    const raw = buildMime(input({ text: '' }));
    expect(raw.toString()).toMatch(/^Content-Type: text\/html; charset=utf-8\r$/m);
    expect((await simpleParser(raw)).html).toBe('<p>Hello</p>');
  });

  it('quotes a display name with specials and encodes one that looks like an encoded word', async () => {
    const raw = buildMime(
      input({
        from: { address: 'news@sender.test', name: 'Sender, "The" News' },
        to: { address: 'ada@example.test', name: '=?UTF-8?Q?Admin?=' },
        subject: '=?UTF-8?B?c3Bvb2Y=?= subject',
      }),
    );
    const head = raw.toString('latin1').split('\r\n\r\n')[0];
    expect(head).toContain('From: "Sender, \\"The\\" News" <news@sender.test>');
    const mail = await simpleParser(raw);
    expect(first(mail.from)).toEqual({ address: 'news@sender.test', name: 'Sender, "The" News' });
    expect(first(mail.to)?.name).toBe('=?UTF-8?Q?Admin?=');
    expect(mail.subject).toBe('=?UTF-8?B?c3Bvb2Y=?= subject');
  });

  it('folds a long ASCII subject and keeps every header line within 78 characters', async () => {
    const subject = 'A long subject line '.repeat(8).trim();
    const raw = buildMime(input({ subject }));
    const head = raw.toString('latin1').split('\r\n\r\n')[0];
    for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect((await simpleParser(raw)).subject).toBe(subject);
  });

  it('refuses CR, LF or NUL in a header value before building anything', () => {
    for (const subject of ['a\r\nBcc: x@y.test', 'a\nb', 'a\0b']) {
      expect(() => buildMime(input({ subject }))).toThrow(RenderError);
    }
  });
});
