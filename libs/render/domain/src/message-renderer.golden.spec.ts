// Golden files: the exact bytes render emits for fixed inputs (date, message id,
// secret), compared byte-for-byte, then parsed back with mailparser as a mail
// client would. Regenerate after an intended change with
//   UPDATE_GOLDEN=1 npx jest libs/render/domain --selectProjects unit
// and review the diff of fixtures/*.eml.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComplianceSettings } from './compliance-headers';
import { buildMergeData } from './merge-data';
import { renderMessage, type MessageRenderInput } from './message-renderer';
import { verifyReturnPath, verifyToken } from '@postline/shared/signed-token';
import { compileTemplate } from './template-compiler';

const FIXTURES = join(__dirname, 'fixtures');
const messageId = '5f1c0de0a11ce0b0b0c0ffee00d15ea5';
const settings: ComplianceSettings = {
  signingSecret: 'golden-secret',
  trackingBaseUrl: 'https://track.sender.test',
  bounceDomain: 'bounces.sender.test',
  unsubscribeMailtoDomain: 'unsubscribe.sender.test',
};

const newsletter = compileTemplate({
  subject: 'Grüße, {{default first_name "Freund"}} — Ihr Angebot 🎉',
  html:
    '<html><body><h1>Hallo {{first_name}}!</h1>' +
    '<p>Unser Angebot für {{city}}: <a href="https://shop.sender.test/offer?id=42">ansehen</a>.</p>' +
    '<p>{{motto}}</p></body></html>',
  text: '',
});

function input(over: Partial<MessageRenderInput> = {}): MessageRenderInput {
  const recipient = {
    subscriberId: 'sub-42',
    email: 'juergen@bücher.example',
    name: 'Jürgen Müller',
    attributes: { first_name: 'Jürgen', city: 'Zürich', motto: '<b>laut</b>' },
  };
  return {
    messageId,
    from: { address: 'news@sender.test', name: 'Sender Nachrichten – Ü' },
    to: { email: recipient.email, name: recipient.name },
    replyTo: 'help@sender.test',
    data: buildMergeData(recipient),
    date: new Date('2026-01-02T03:04:05Z'),
    ...over,
  };
}

const campaign = {
  context: { tenantId: 'acme', campaignId: 'spring-sale', subscriberId: 'sub-42', stream: 'bulk' },
  settings,
};

/** Compares with the fixture, or rewrites it when UPDATE_GOLDEN=1. */
function expectGolden(name: string, raw: Buffer): void {
  const path = join(FIXTURES, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, raw);
  // Compared as latin1 strings so a mismatch shows a readable diff, byte for byte.
  expect(raw.toString('latin1')).toBe(readFileSync(path).toString('latin1'));
}

const header = (mail: ParsedMail, key: string) => mail.headerLines.find((h) => h.key === key);
const firstAddress = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a[0] : a)?.value[0];

describe('golden MIME: campaign message', () => {
  let raw: Buffer;
  let mail: ParsedMail;
  let returnPath: string | undefined;

  beforeAll(async () => {
    const out = await renderMessage(newsletter, input({ campaign }));
    raw = out.rawMime;
    returnPath = out.returnPath;
    mail = await simpleParser(raw);
  });

  it('matches fixtures/campaign-utf8-idn.eml byte for byte', () => {
    expectGolden('campaign-utf8-idn.eml', raw);
  });

  it('keeps every header ASCII, encoding the UTF-8 subject and names per RFC 2047', () => {
    const head = raw.toString('latin1').split('\r\n\r\n')[0];
    expect(head).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    expect(head).toMatch(/^Subject: =\?UTF-8\?[QB]\?/m);
    expect(mail.subject).toBe('Grüße, Jürgen — Ihr Angebot 🎉');
    expect(firstAddress(mail.from)).toEqual({
      address: 'news@sender.test',
      name: 'Sender Nachrichten – Ü',
    });
    expect(firstAddress(mail.to)?.name).toBe('Jürgen Müller');
  });

  it('addresses the IDN recipient domain in punycode, which mailparser decodes back', () => {
    expect(raw.toString('latin1')).toMatch(/^To: .* <juergen@xn--bcher-kva\.example>\r$/m);
    expect(firstAddress(mail.to)?.address).toBe('juergen@bücher.example');
  });

  it('ends every line with CRLF, in the body too', () => {
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/);
  });

  it('carries the deterministic Message-ID, Date and Reply-To', () => {
    expect(mail.messageId).toBe(`<${messageId}@sender.test>`);
    expect(mail.date?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(firstAddress(mail.replyTo)?.address).toBe('help@sender.test');
  });

  it('is multipart/alternative with the HTML escaped and a text part derived from it', () => {
    expect(header(mail, 'content-type')?.line).toMatch(/multipart\/alternative/);
    expect(mail.html).toContain('<h1>Hallo Jürgen!</h1>');
    expect(mail.html).toContain('&lt;b&gt;laut&lt;/b&gt;');
    expect(mail.text).toContain('Hallo Jürgen!');
    expect(mail.text).toContain('Zürich');
  });

  it('offers RFC 8058 one-click unsubscribe with a verifiable token and a mailto', () => {
    const unsub = header(mail, 'list-unsubscribe')!.line.replace(/\r\n /g, ' ');
    const m =
      /^List-Unsubscribe: <https:\/\/track\.sender\.test\/u\/([^>]+)>, <mailto:([^>]+)>$/.exec(
        unsub,
      );
    expect(m).not.toBeNull();
    expect(verifyToken('unsubscribe', m![1], settings.signingSecret)).toEqual({
      tenant: 'acme',
      subscriber: 'sub-42',
      campaign: 'spring-sale',
      message: messageId,
    });
    expect(m![2]).toMatch(/^u\+[0-9a-f]{32}\.[0-9a-f]{8}@unsubscribe\.sender\.test\?subject=/);
    expect(header(mail, 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(header(mail, 'list-id')?.line).toBe('List-Id: <spring-sale.acme.sender.test>');
    expect(header(mail, 'feedback-id')?.line).toBe('Feedback-ID: spring-sale:acme:bulk:postline');
  });

  it('returns a signed VERP return path for the envelope', () => {
    const [local, domain] = returnPath!.split('@');
    expect(domain).toBe('bounces.sender.test');
    expect(verifyReturnPath(local, settings.signingSecret)).toBe(messageId);
  });
});

describe('golden MIME: transactional message', () => {
  it('matches fixtures/transactional-ascii.eml and carries no list headers', async () => {
    const template = compileTemplate({
      subject: 'Your receipt {{order}}',
      html: '<p>Thanks, {{first_name}}.</p>',
      text: 'Thanks, {{first_name}}. Order {{order}}.',
    });
    const out = await renderMessage(
      template,
      input({
        to: { email: 'ada@example.test', name: 'Ada' },
        from: { address: 'receipts@sender.test' },
        replyTo: undefined,
        data: { first_name: 'Ada', order: 'A-1' },
      }),
    );
    expectGolden('transactional-ascii.eml', out.rawMime);
    expect(out.returnPath).toBeUndefined();
    const mail = await simpleParser(out.rawMime);
    expect(mail.subject).toBe('Your receipt A-1');
    expect(mail.text?.trim()).toBe('Thanks, Ada. Order A-1.');
    expect(mail.html).toBe('<p>Thanks, Ada.</p>');
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    expect(mail.headers.has('feedback-id')).toBe(false);
  });
});

describe('golden MIME: campaign message with click and open tracking', () => {
  const tracked = compileTemplate({
    subject: 'Spring sale',
    html:
      '<html><body><p><a href="https://shop.sender.test/sale?utm=mail&amp;id=1">Shop</a></p>' +
      '<p><a href="mailto:help@sender.test">Help</a> · ' +
      '<a href="{{unsubscribe_url}}">Unsubscribe</a></p></body></html>',
    text: '',
  });

  it('matches fixtures/campaign-tracked.eml, tracking only the shop link', async () => {
    const out = await renderMessage(
      tracked,
      input({
        replyTo: undefined,
        campaign: { ...campaign, tracking: { clicks: true, opens: true } },
      }),
    );
    expectGolden('campaign-tracked.eml', out.rawMime);
    const mail = await simpleParser(out.rawMime);
    const html = mail.html as string;
    const click = /href="https:\/\/track\.sender\.test\/c\/([^"]+)">Shop</.exec(html);
    expect(verifyToken('click', click![1], settings.signingSecret).url).toBe(
      'https://shop.sender.test/sale?utm=mail&id=1',
    );
    expect(html).toContain('<a href="mailto:help@sender.test">Help</a>');
    const unsub = /<a href="(https:\/\/track\.sender\.test\/u\/[^"]+)">Unsubscribe</.exec(html);
    expect(header(mail, 'list-unsubscribe')?.line).toContain(`<${unsub![1]}>`);
    expect(html).toMatch(/<img src="https:\/\/track\.sender\.test\/o\/[^"]+"[^>]*\/><\/body>/);
    // The text part keeps the real destination: it is derived before tracking.
    expect(mail.text).toContain('Shop (https://shop.sender.test/sale?utm=mail&id=1)');
  });

  it('tracks clicks without a pixel, or opens without rewriting links, as the campaign chose', async () => {
    const html = async (tracking: { clicks: boolean; opens: boolean }) => {
      const out = await renderMessage(tracked, input({ campaign: { ...campaign, tracking } }));
      return (await simpleParser(out.rawMime)).html as string;
    };
    const clicksOnly = await html({ clicks: true, opens: false });
    expect(clicksOnly).toMatch(/href="https:\/\/track\.sender\.test\/c\/[^"]+">Shop</);
    expect(clicksOnly).not.toContain('/o/');
    const opensOnly = await html({ clicks: false, opens: true });
    expect(opensOnly).toContain('href="https://shop.sender.test/sale?utm=mail&amp;id=1"');
    expect(opensOnly).toMatch(/<img src="https:\/\/track\.sender\.test\/o\/[^"]+"/);
  });

  it('leaves links and pixel out when tracking is off', async () => {
    const out = await renderMessage(tracked, input({ campaign }));
    const html = (await simpleParser(out.rawMime)).html as string;
    expect(html).toContain('href="https://shop.sender.test/sale?utm=mail&amp;id=1"');
    expect(html).not.toContain('/o/');
  });
});
