import { buildMergeData } from './merge-data';
import { messageIdFor, parseAddress, routingKeyFor } from './message-identity';
import { renderMessage, type MessageRenderInput } from './message-renderer';
import { RenderError } from './render-errors';
import { compileTemplate } from './template-compiler';

const template = compileTemplate({
  subject: 'Welcome {{default first_name "friend"}} — {{city}}',
  html: '<p>Hello {{first_name}} &lt;{{email}}&gt;</p><p>Your id: {{subscriber.id}}</p>',
  text: '',
});

function input(over: Partial<MessageRenderInput> = {}): MessageRenderInput {
  const recipient = {
    subscriberId: 'sub-1',
    email: 'ada@Example.TEST',
    name: 'Ada Lovelace',
    attributes: { first_name: 'Ada', city: 'Zürich' },
  };
  return {
    messageId: messageIdFor('camp-1:sub-1'),
    from: { address: 'news@sender.test', name: 'Sender News' },
    to: { email: recipient.email, name: recipient.name },
    data: buildMergeData(recipient),
    date: new Date('2025-01-02T03:04:05Z'),
    ...over,
  };
}

async function renderError(p: Promise<unknown>): Promise<RenderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RenderError) return e;
    throw e;
  }
  throw new Error('expected a RenderError');
}

describe('message identity', () => {
  it('derives a deterministic 32-hex message id from the request id', () => {
    const id = messageIdFor('campaign-7:subscriber-9');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(messageIdFor('campaign-7:subscriber-9')).toBe(id);
    expect(messageIdFor('campaign-7:subscriber-8')).not.toBe(id);
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(messageIdFor('abc')).toBe('ba7816bf8f01cfea414140de5dae2223');
  });

  it('routes by the lower-case ASCII recipient domain', () => {
    expect(routingKeyFor('Bob@Mail.Example.COM')).toBe('mail.example.com');
    expect(routingKeyFor('bob@bücher.example')).toBe('xn--bcher-kva.example');
  });

  it.each([
    '',
    'no-at-sign',
    '@example.test',
    'a@',
    'a b@example.test',
    'a@exa mple.test',
    'a@x\r\ny.test',
    '<a>@x.test',
  ])('rejects the invalid address %j', (address) => {
    expect(() => parseAddress(address, 'RECIPIENT_ADDRESS_INVALID')).toThrow(RenderError);
  });
});

describe('merge data', () => {
  it('layers fixed fields over attributes so an attribute cannot spoof them', () => {
    const data = buildMergeData(
      {
        subscriberId: 's',
        email: 'real@x.test',
        name: 'Real',
        attributes: { email: 'fake@x.test', plan: 'pro' },
      },
      { promo: 'SPRING' },
    );
    expect(data).toEqual({
      plan: 'pro',
      promo: 'SPRING',
      email: 'real@x.test',
      name: 'Real',
      subscriber: { id: 's', email: 'real@x.test', name: 'Real' },
    });
  });
});

describe('renderMessage', () => {
  it('builds a personalised multipart/alternative message with the contract headers', async () => {
    const out = await renderMessage(template, input());
    const mime = out.rawMime.toString('utf8');
    expect(out.messageId).toBe(messageIdFor('camp-1:sub-1'));
    expect(out.routingKey).toBe('example.test');
    expect(out.subject).toBe('Welcome Ada — Zürich');
    expect(out.text).toBe('Hello Ada <ada@Example.TEST>\n\nYour id: sub-1');
    expect(mime).toContain(`Message-ID: <${out.messageId}@sender.test>`);
    expect(mime).toContain('From: Sender News <news@sender.test>');
    // Headers carry the domain lower-cased (punycode for IDNs); the local part is kept.
    expect(mime).toContain('To: Ada Lovelace <ada@example.test>');
    expect(mime).toContain('Date: Thu, 02 Jan 2025 03:04:05 +0000');
    expect(mime).toMatch(/Subject: =\?UTF-8\?[QB]\?/);
    expect(mime).toContain('Content-Type: multipart/alternative');
    expect(mime).toContain('Content-Type: text/plain');
    expect(mime).toContain('Content-Type: text/html');
    expect(mime).toContain('MIME-Version: 1.0');
  });

  it('renders the same request to the same bytes', async () => {
    const a = await renderMessage(template, input());
    const b = await renderMessage(template, input());
    expect(a.rawMime.equals(b.rawMime)).toBe(true);
  });

  it('sends a text-only message when the template has no HTML', async () => {
    const t = compileTemplate({ subject: 'S', html: '', text: 'Hi {{first_name}}' });
    const out = await renderMessage(t, input());
    const mime = out.rawMime.toString('utf8');
    expect(out.html).toBe('');
    expect(mime).toContain('Content-Type: text/plain');
    expect(mime).not.toContain('multipart/alternative');
  });

  it('refuses hostile CR/LF in a subject merge value without producing any MIME', async () => {
    const hostile = input({ data: { first_name: 'Ada\r\nBcc: everyone@victim.test', city: 'x' } });
    const err = await renderError(renderMessage(template, hostile));
    expect(err.code).toBe('HEADER_INJECTION');
  });

  it('refuses CR/LF in the recipient display name', async () => {
    const err = await renderError(
      renderMessage(template, input({ to: { email: 'a@x.test', name: 'Ada\r\nBcc: x@y.test' } })),
    );
    expect(err.code).toBe('HEADER_INJECTION');
  });

  it('names the bad side of an invalid address', async () => {
    expect(
      (await renderError(renderMessage(template, input({ to: { email: 'nope' } })))).code,
    ).toBe('RECIPIENT_ADDRESS_INVALID');
    expect(
      (await renderError(renderMessage(template, input({ from: { address: 'x@' } })))).code,
    ).toBe('SENDER_ADDRESS_INVALID');
  });
});
