// Signs every outbound message at send time, just before the MTA hands its
// bytes to the SMTP client: finds the From domain, picks that domain's keys
// (or a parent's), and prepends one DKIM-Signature per key. Only the header
// block is parsed; the body is hashed from the Buffer as it is.
import { createHash, sign } from 'node:crypto';
import { DkimError } from './dkim.errors';
import { DkimKeyRing } from './dkim-key-ring';
import type { DkimKey, DkimSignResult } from './dkim.types';
import { fromDomain } from './from-domain';
import { fieldValue, splitMessage, toCrlf, type HeaderField } from './message-headers';
import { relaxedBodyHash, relaxedHeader } from './relaxed-canonicalization';
import { signedSignatureField, unsignedSignatureField } from './signature-header';

/** Header fields signed when present, in h= order. From is listed once more (over-signing). */
export const DKIM_SIGNED_HEADERS = [
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
] as const;

export interface DkimSignerOptions {
  keys: DkimKeyRing;
  /** Clock for t= (and x=); injectable for tests. */
  now?: () => Date;
  /** When set, adds x= that many seconds after t=. */
  expireAfterSeconds?: number;
}

export class DkimSigner {
  private readonly keys: DkimKeyRing;
  private readonly now: () => Date;
  private readonly expireAfterSeconds?: number;

  constructor(opts: DkimSignerOptions) {
    if (!(opts.keys instanceof DkimKeyRing)) {
      throw new DkimError('SIGNER_BAD_OPTION', 'keys', 'a DkimKeyRing is required');
    }
    const expiry = opts.expireAfterSeconds;
    if (expiry !== undefined && !(Number.isSafeInteger(expiry) && expiry > 0)) {
      throw new DkimError(
        'SIGNER_BAD_OPTION',
        'expireAfterSeconds',
        'a positive whole number of seconds',
      );
    }
    this.keys = opts.keys;
    this.now = opts.now ?? (() => new Date());
    this.expireAfterSeconds = expiry;
  }

  sign(raw: Buffer): DkimSignResult {
    const message = toCrlf(raw);
    const { fields, bodyStart } = splitMessage(message);
    const froms = fields.filter((field) => field.name === 'from');
    if (froms.length === 0) return { message: raw, outcome: 'no_from', signatures: 0 };
    if (froms.length > 1) return { message: raw, outcome: 'multiple_from', signatures: 0 };

    // Header bytes are latin1 strings here; an SMTPUTF8 From is read as the UTF-8 it is.
    const author = fromDomain(Buffer.from(fieldValue(froms[0]), 'latin1').toString('utf8'));
    if (author.kind === 'none') return { message: raw, outcome: 'no_from', signatures: 0 };
    if (author.kind === 'many') return { message: raw, outcome: 'multiple_from', signatures: 0 };
    const keys = this.keys.keysFor(author.domain);
    if (keys.length === 0) {
      return { message: raw, outcome: 'no_key', domain: author.domain, signatures: 0 };
    }

    const { names, canonical } = signedHeaders(fields);
    const bodyHash = relaxedBodyHash(message, bodyStart);
    const timestamp = Math.floor(this.now().getTime() / 1000);
    const expiresAt =
      this.expireAfterSeconds === undefined ? undefined : timestamp + this.expireAfterSeconds;
    const signatureFields = keys.map((key) => {
      const unsigned = unsignedSignatureField({
        algorithm: key.algorithm,
        domain: key.domain,
        selector: key.selector,
        timestamp,
        expiresAt,
        headerNames: names,
        bodyHash,
      });
      const covered = canonical + relaxedHeader({ name: 'dkim-signature', raw: unsigned });
      return signedSignatureField(unsigned, signatureOf(key, Buffer.from(covered, 'latin1')));
    });
    return {
      // keysFor lists Ed25519 first, so its signature is the topmost field.
      message: Buffer.concat([Buffer.from(signatureFields.join(''), 'latin1'), message]),
      outcome: 'signed',
      domain: keys[0].domain,
      signatures: keys.length,
    };
  }
}

/**
 * The h= list and the canonical header data it covers. A name appears once per
 * instance present; RFC 6376 §5.4.2 takes instances from the bottom up. From gets
 * one more entry than it has instances, which matches no field: a verifier then
 * hashes nothing for it, and any From added later breaks the signature.
 */
function signedHeaders(fields: HeaderField[]): { names: string[]; canonical: string } {
  const names: string[] = [];
  let canonical = '';
  for (const name of DKIM_SIGNED_HEADERS) {
    const lower = name.toLowerCase();
    const instances = fields.filter((field) => field.name === lower);
    for (let i = instances.length - 1; i >= 0; i--) {
      names.push(name);
      canonical += `${relaxedHeader(instances[i])}\r\n`;
    }
    if (lower === 'from') names.push(name);
  }
  return { names, canonical };
}

function signatureOf(key: DkimKey, data: Buffer): string {
  if (key.algorithm === 'ed25519-sha256') {
    // RFC 8463 §3: PureEdDSA over the SHA-256 digest of the data, not over the data itself.
    return sign(null, createHash('sha256').update(data).digest(), key.privateKey).toString(
      'base64',
    );
  }
  return sign('sha256', data, key.privateKey).toString('base64');
}
