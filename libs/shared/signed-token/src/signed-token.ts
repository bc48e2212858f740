// Signed tokens render puts in the links and addresses of a campaign message
// (unsubscribe, click, open, VERP return path), and the list service in the
// double opt-in confirmation links it issues. The services that receive the
// hits verify them with the same secret — the list service the one-click
// unsubscribe and confirmations, the campaign service clicks and opens — so a
// hit or a bounce is trusted without a lookup. Shared so signer and verifiers
// cannot drift apart.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a token is for; signed into it so an open token can never act as an unsubscribe. */
export type TokenPurpose = 'unsubscribe' | 'click' | 'open' | 'confirm';

export interface MessageClaims {
  tenant: string;
  subscriber: string;
  list?: string;
  campaign: string;
  message: string;
}

export interface ClickClaims extends MessageClaims {
  /** Destination of a tracked link. */
  url: string;
}

/** A double opt-in confirmation link: one pending subscription, until `exp`. */
export interface ConfirmClaims {
  tenant: string;
  subscriber: string;
  list: string;
  /**
   * The confirmation request this link answers. The list service keeps the
   * nonce of the latest request on the membership, so a link works once, and
   * not after a newer link replaced it.
   */
  nonce: string;
  /** Expiry in seconds since the epoch; verifyToken refuses the token from then on. */
  exp: number;
}

export type TokenClaims<P extends TokenPurpose> = P extends 'click'
  ? ClickClaims
  : P extends 'confirm'
    ? ConfirmClaims
    : MessageClaims;

/**
 * Why a token was refused. `bad signature` is the only one a forger can reach
 * with a well-formed token; `expired` is a genuine token past its `exp`; the
 * others mean the token was garbled (or, for the claims ones, signed by a
 * buggy signer).
 */
export type TokenRejectReason =
  'malformed' | 'bad signature' | 'undecodable claims' | 'incomplete claims' | 'expired';

export class TokenRejectedError extends Error {
  readonly code = 'TOKEN_REJECTED';
  constructor(readonly reason: TokenRejectReason) {
    super(`token rejected: ${reason}`);
    this.name = 'TokenRejectedError';
  }
}

function mac(secret: string, purpose: string, body: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}\n${body}`, 'utf8').digest();
}

/** `<base64url(json claims)>.<base64url(hmac-sha256(purpose, claims))>`; URL- and header-safe. */
export function signToken<P extends TokenPurpose>(
  purpose: P,
  claims: TokenClaims<P>,
  secret: string,
): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${body}.${mac(secret, purpose, body).toString('base64url')}`;
}

/**
 * Returns the claims of a token signed with `secret` for `purpose`; throws
 * TokenRejectedError otherwise. A token with an `exp` claim is refused
 * (`expired`) from that second on; the signature is checked first, so only a
 * genuine token can be reported expired.
 */
export function verifyToken<P extends TokenPurpose>(
  purpose: P,
  token: string,
  secret: string,
  now: Date = new Date(),
): TokenClaims<P> {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) throw new TokenRejectedError('malformed');
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, purpose, body);
  // Constant-time compare; length is checked first because timingSafeEqual throws on a mismatch.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TokenRejectedError('bad signature');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new TokenRejectedError('undecodable claims');
  }
  if (!hasClaimsOf(purpose, claims)) throw new TokenRejectedError('incomplete claims');
  if (typeof claims.exp === 'number' && now.getTime() >= claims.exp * 1000) {
    throw new TokenRejectedError('expired');
  }
  return claims as unknown as TokenClaims<P>;
}

const REQUIRED_TEXT: Record<TokenPurpose, readonly string[]> = {
  unsubscribe: ['tenant', 'subscriber', 'campaign', 'message'],
  open: ['tenant', 'subscriber', 'campaign', 'message'],
  click: ['tenant', 'subscriber', 'campaign', 'message', 'url'],
  confirm: ['tenant', 'subscriber', 'list', 'nonce'],
};

function hasClaimsOf(purpose: TokenPurpose, c: unknown): c is Record<string, unknown> {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return false;
  const o = c as Record<string, unknown>;
  if (!REQUIRED_TEXT[purpose].every((k) => typeof o[k] === 'string')) return false;
  // A confirmation link must end; one without a usable expiry is not ours.
  return purpose !== 'confirm' || (typeof o.exp === 'number' && Number.isFinite(o.exp));
}

/** Short signature of a message id for the VERP return path (`b+<id>.<sig>@domain`). */
export function signReturnPath(messageId: string, secret: string): string {
  return mac(secret, 'bounce', messageId).toString('hex').slice(0, 8);
}

/** Message id of a VERP local part when its signature holds, else undefined. */
export function verifyReturnPath(localPart: string, secret: string): string | undefined {
  const m = /^b\+([0-9a-f]{32})\.([0-9a-f]{8})$/.exec(localPart);
  if (!m) return undefined;
  const expected = Buffer.from(signReturnPath(m[1], secret));
  return timingSafeEqual(Buffer.from(m[2]), expected) ? m[1] : undefined;
}
