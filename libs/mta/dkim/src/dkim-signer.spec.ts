import { DkimKeyRing } from './dkim-key-ring';
import { DkimSigner } from './dkim-signer';
import { DkimError } from './dkim.errors';
import type { DkimKey } from './dkim.types';
import {
  crlf,
  edDkimKey,
  fixture,
  rsaDkimKey,
  signatureTags,
  verdicts,
  verify,
} from './test/dkim-test-kit';

const SENT_AT = new Date('2026-01-02T03:04:05Z');
const SENT_AT_SECONDS = String(SENT_AT.getTime() / 1000);
const EMPTY_BODY_HASH = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

const rsa = rsaDkimKey('sender.test', 'r2026');
const ed = edDkimKey('sender.test', 'e2026');

function signerFor(keys: DkimKey[], expireAfterSeconds?: number): DkimSigner {
  return new DkimSigner({ keys: DkimKeyRing.of(keys), now: () => SENT_AT, expireAfterSeconds });
}

/** Replaces the first occurrence of `from` in the message, which must contain it. */
function edit(message: Buffer, from: string, to: string): Buffer {
  const text = message.toString('latin1');
  expect(text).toContain(from);
  return Buffer.from(text.replace(from, to), 'latin1');
}

function headerBlock(message: Buffer): string {
  return message.toString('latin1').split('\r\n\r\n')[0];
}

describe('DkimSigner signatures checked by an independent verifier (mailauth)', () => {
  const dual = signerFor([rsa, ed]);

  it('signs with an RSA-2048 key so that rsa-sha256 verifies', async () => {
    const { message, outcome, domain, signatures } = signerFor([rsa]).sign(fixture('campaign.eml'));
    expect({ outcome, domain, signatures }).toEqual({
      outcome: 'signed',
      domain: 'sender.test',
      signatures: 1,
    });
    expect(signatureTags(message)[0]).toMatchObject({
      a: 'rsa-sha256',
      d: 'sender.test',
      s: 'r2026',
    });
    expect(await verdicts(message, [rsa])).toEqual([['r2026', 'pass']]);
  });

  it('signs with an Ed25519 key so that ed25519-sha256 (RFC 8463) verifies', async () => {
    const { message } = signerFor([ed]).sign(fixture('campaign.eml'));
    expect(signatureTags(message)[0]).toMatchObject({ a: 'ed25519-sha256', s: 'e2026' });
    expect(await verdicts(message, [ed])).toEqual([['e2026', 'pass']]);
  });

  it('dual-signs with Ed25519 on top and RSA below, and both verify', async () => {
    const { message, signatures } = dual.sign(fixture('campaign.eml'));
    expect(signatures).toBe(2);
    expect(signatureTags(message).map((tags) => tags.a)).toEqual(['ed25519-sha256', 'rsa-sha256']);
    expect(await verdicts(message, [rsa, ed])).toEqual([
      ['e2026', 'pass'],
      ['r2026', 'pass'],
    ]);
  });

  it('keeps verifying after whitespace changes that relaxed canonicalization allows', async () => {
    let { message } = dual.sign(fixture('campaign.eml'));
    message = edit(
      message,
      'Subject: Spring sale: 20% off',
      'SUBJECT:   Spring  sale:\r\n\t20%   off',
    );
    message = edit(message, 'To: Ann Example', 'to:Ann\tExample');
    message = edit(message, 'Hello Ann,\r\n', 'Hello   Ann, \t \r\n');
    message = edit(message, 'this week.   Shop', 'this week.\tShop');
    message = Buffer.concat([message, Buffer.from('\r\n\r\n  \r\n')]);
    expect(await verdicts(message, [rsa, ed])).toEqual([
      ['e2026', 'pass'],
      ['r2026', 'pass'],
    ]);
  });

  it('fails both signatures when the body is altered', async () => {
    const { message } = dual.sign(fixture('campaign.eml'));
    const tampered = edit(message, '20% off this week', '90% off this week');
    // mailauth reports a body hash mismatch as neutral with this comment (RFC 6376 §6.3 leaves it open).
    const results = (await verify(tampered, [rsa, ed])).map((r) => [
      r.status.result,
      r.status.comment,
    ]);
    expect(results).toEqual([
      ['neutral', 'body hash did not verify'],
      ['neutral', 'body hash did not verify'],
    ]);
  });

  it('fails both signatures when the Subject is altered', async () => {
    const { message } = dual.sign(fixture('campaign.eml'));
    const tampered = edit(message, 'Subject: Spring sale', 'Subject: Winter sale');
    expect(await verdicts(tampered, [rsa, ed])).toEqual([
      ['e2026', 'fail'],
      ['r2026', 'fail'],
    ]);
  });

  it('still verifies when a header it does not sign (X-Mailer) is altered', async () => {
    const { message } = dual.sign(fixture('campaign.eml'));
    const changed = edit(message, 'X-Mailer: Postline', 'X-Mailer: something else');
    expect(await verdicts(changed, [rsa, ed])).toEqual([
      ['e2026', 'pass'],
      ['r2026', 'pass'],
    ]);
  });

  it.each([
    ['above the original', 'From: Acme News', 'From: Ceo <ceo@sender.test>\r\nFrom: Acme News'],
    [
      'below the original',
      'X-Mailer: Postline',
      'X-Mailer: Postline\r\nFrom: Ceo <ceo@sender.test>',
    ],
  ])('fails when a second From is added %s (From is over-signed)', async (_where, at, insert) => {
    const { message } = dual.sign(fixture('campaign.eml'));
    expect(await verdicts(edit(message, at, insert), [rsa, ed])).toEqual([
      ['e2026', 'fail'],
      ['r2026', 'fail'],
    ]);
  });

  it('puts t= from the injected clock and x= expireAfterSeconds later, which verifiers enforce', async () => {
    const { message } = signerFor([ed], 3600).sign(fixture('campaign.eml'));
    const tags = signatureTags(message)[0];
    expect(tags.t).toBe(SENT_AT_SECONDS);
    expect(Number(tags.x) - Number(tags.t)).toBe(3600);
    const within = new Date(SENT_AT.getTime() + 60_000);
    const after = new Date(SENT_AT.getTime() + 7_200_000);
    expect(await verdicts(message, [ed], { curTime: within })).toEqual([['e2026', 'pass']]);
    expect((await verdicts(message, [ed], { curTime: after }))[0][1]).not.toBe('pass');
  });

  it('omits x= unless an expiry is configured', () => {
    const { message } = dual.sign(fixture('campaign.eml'));
    expect(signatureTags(message).map((tags) => tags.x)).toEqual([undefined, undefined]);
  });
});

describe('DkimSigner header selection and layout', () => {
  const dual = signerFor([rsa, ed]);

  it('signs only the listed headers present, and From once more than it occurs', () => {
    const { message } = dual.sign(fixture('campaign.eml'));
    expect(signatureTags(message)[0].h.split(':')).toEqual([
      'From',
      'From',
      'To',
      'Cc',
      'Subject',
      'Date',
      'Message-ID',
      'Reply-To',
      'MIME-Version',
      'Content-Type',
      'Content-Transfer-Encoding',
      'List-Unsubscribe',
      'List-Unsubscribe-Post',
      'List-ID',
      'Feedback-ID',
    ]);
    const plain = dual.sign(crlf('From: a@sender.test\nSubject: hi\n\nbody\n')).message;
    expect(signatureTags(plain)[0].h).toBe('From:From:Subject');
  });

  it('signs every instance of a repeated header, so removing one breaks the signature', async () => {
    const raw = crlf('From: a@sender.test\nCc: one@x.test\nSubject: hi\nCc: two@x.test\n\nbody\n');
    const { message } = dual.sign(raw);
    expect(signatureTags(message)[0].h).toBe('From:From:Cc:Cc:Subject');
    expect(await verdicts(message, [rsa, ed])).toEqual([
      ['e2026', 'pass'],
      ['r2026', 'pass'],
    ]);
    const removed = edit(message, 'Cc: one@x.test\r\n', '');
    expect(await verdicts(removed, [rsa, ed])).toEqual([
      ['e2026', 'fail'],
      ['r2026', 'fail'],
    ]);
  });

  it('folds the DKIM-Signature fields to lines of at most 78 characters', () => {
    const { message } = dual.sign(fixture('campaign.eml'));
    const lines = headerBlock(message).split('\r\n');
    const signatureLines = lines.slice(
      0,
      lines.findIndex((line) => line.startsWith('Received:')),
    );
    expect(signatureLines.length).toBeGreaterThan(8);
    for (const line of signatureLines) expect(line.length).toBeLessThanOrEqual(78);
    expect(signatureLines.filter((line) => line.startsWith('DKIM-Signature: v=1;'))).toHaveLength(
      2,
    );
  });

  it('prepends the signatures and leaves the original bytes untouched', () => {
    const original = fixture('campaign.eml');
    const { message } = dual.sign(original);
    expect(message.subarray(message.length - original.length).equals(original)).toBe(true);
  });

  it('verifies messages with folded, tabbed and very long header lines', async () => {
    const { message, outcome } = dual.sign(fixture('folded-headers.eml'));
    expect(outcome).toBe('signed');
    expect(signatureTags(message)[0].h).toBe(
      'From:From:To:Subject:Date:Message-ID:MIME-Version:Content-Type:List-Unsubscribe',
    );
    expect(await verdicts(message, [rsa, ed])).toEqual([
      ['e2026', 'pass'],
      ['r2026', 'pass'],
    ]);
  });

  it('signs a raw UTF-8 From domain as its A-label and verifies', async () => {
    const idnRsa = rsaDkimKey('xn--bcher-kva.example', 'r1');
    const idnEd = edDkimKey('xn--bcher-kva.example', 'e1');
    const { message, domain } = signerFor([idnRsa, idnEd]).sign(fixture('utf8-idn.eml'));
    expect(domain).toBe('xn--bcher-kva.example');
    expect(await verdicts(message, [idnRsa, idnEd])).toEqual([
      ['e1', 'pass'],
      ['r1', 'pass'],
    ]);
  });
});

describe('DkimSigner line endings and empty bodies', () => {
  const dual = signerFor([rsa, ed]);

  it('normalises an LF-only message to CRLF, as SMTP clients send it, and signs that', async () => {
    const lfOnly = fixture('lf-only.eml');
    expect(lfOnly.includes('\r')).toBe(false);
    const { message, outcome } = dual.sign(lfOnly);
    expect(outcome).toBe('signed');
    expect(/(^|[^\r])\n/.test(message.toString('latin1'))).toBe(false);
    expect(message.equals(dual.sign(crlf(lfOnly.toString('utf8'))).message)).toBe(true);
    expect(await verdicts(message, [rsa, ed])).toEqual([
      ['e2026', 'pass'],
      ['r2026', 'pass'],
    ]);
  });

  it.each([
    ['an empty body', 'From: a@sender.test\r\nSubject: empty\r\n\r\n'],
    ['no body separator at all', 'From: a@sender.test\r\nSubject: empty\r\n'],
    ['a body of blank lines', 'From: a@sender.test\r\nSubject: empty\r\n\r\n\r\n  \r\n\r\n'],
  ])('uses the RFC 6376 relaxed empty-body hash for %s', async (_case, text) => {
    const { message } = dual.sign(Buffer.from(text));
    expect(signatureTags(message).map((tags) => tags.bh)).toEqual([
      EMPTY_BODY_HASH,
      EMPTY_BODY_HASH,
    ]);
    expect(await verdicts(message, [rsa, ed])).toEqual([
      ['e2026', 'pass'],
      ['r2026', 'pass'],
    ]);
  });
});

describe('DkimSigner domain lookup and unsigned outcomes', () => {
  const parentKeys = [rsaDkimKey('example.com', 'org'), edDkimKey('example.com', 'org-ed')];

  it('signs mail from a subdomain with the parent domain key (relaxed DMARC alignment)', async () => {
    const from = crlf('From: News <news@News.Example.COM>\nSubject: hi\n\nbody\n');
    const { message, outcome, domain } = signerFor(parentKeys).sign(from);
    expect({ outcome, domain }).toEqual({ outcome: 'signed', domain: 'example.com' });
    expect(signatureTags(message).map((tags) => tags.d)).toEqual(['example.com', 'example.com']);
    expect(await verdicts(message, parentKeys)).toEqual([
      ['org-ed', 'pass'],
      ['org', 'pass'],
    ]);
  });

  it('prefers the exact domain key over the parent domain key', () => {
    const exact = edDkimKey('news.example.com', 'news');
    const from = crlf('From: news@news.example.com\nSubject: hi\n\nbody\n');
    const result = signerFor([...parentKeys, exact]).sign(from);
    expect({ domain: result.domain, signatures: result.signatures }).toEqual({
      domain: 'news.example.com',
      signatures: 1,
    });
  });

  it('returns the message unchanged with no_key and the From domain when no key applies', () => {
    const raw = crlf('From: a@elsewhere.test\nSubject: hi\n\nbody\n');
    const result = signerFor(parentKeys).sign(raw);
    expect(result).toEqual({
      message: raw,
      outcome: 'no_key',
      domain: 'elsewhere.test',
      signatures: 0,
    });
    expect(result.message).toBe(raw);
  });

  it.each([
    ['no From header', 'To: b@example.com\nSubject: hi\n\nbody\n', 'no_from'],
    ['a From without an address', 'From: undisclosed\nSubject: hi\n\nbody\n', 'no_from'],
    ['a From with a domain literal', 'From: a@[192.0.2.1]\nSubject: hi\n\nbody\n', 'no_from'],
    ['From only in the body', 'Subject: hi\n\nFrom: a@example.com\n', 'no_from'],
    ['two From headers', 'From: a@example.com\nFrom: b@example.com\n\nbody\n', 'multiple_from'],
    ['a From with two mailboxes', 'From: a@example.com, b@example.com\n\nbody\n', 'multiple_from'],
  ])('does not sign a message with %s', (_case, text, outcome) => {
    const raw = crlf(text);
    const result = signerFor(parentKeys).sign(raw);
    expect(result).toEqual({ message: raw, outcome, signatures: 0 });
    expect(result.message).toBe(raw);
  });
});

describe('DkimSigner options', () => {
  it.each([0, -5, 1.5, Number.NaN])(
    'refuses expireAfterSeconds %p with SIGNER_BAD_OPTION',
    (value) => {
      const build = () => signerFor([rsa], value);
      expect(build).toThrow(DkimError);
      expect(build).toThrow(expect.objectContaining({ code: 'SIGNER_BAD_OPTION' }));
    },
  );

  it('refuses to be built without a key ring', () => {
    expect(() => new DkimSigner({ keys: [] as unknown as DkimKeyRing })).toThrow(
      expect.objectContaining({ code: 'SIGNER_BAD_OPTION', subject: 'keys' }),
    );
  });
});
