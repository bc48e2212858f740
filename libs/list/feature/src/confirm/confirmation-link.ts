// Double opt-in links: a signed `confirm` token (@postline/shared/signed-token,
// the service's signing secret) naming tenant, subscriber, list, a fresh nonce
// and an expiry, at `<public base>/u/confirm/<token>`. The nonce is stored on
// the membership, which is what makes a link single-use and lets a newer link
// retire an older one; the signature and expiry need no lookup.
import type { PendingConfirmation } from '@postline/list/data-access';
import { isValidTenantId, ListError, ListErrorCode } from '@postline/list/domain';
import { parseObjectId } from '@postline/list/data-access';
import {
  signToken,
  TokenRejectedError,
  verifyToken,
  type ConfirmClaims,
} from '@postline/shared/signed-token';
import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';

/** The path under the public base URL; the ingress routes `/u/` to the list service. */
export const CONFIRM_PATH = '/u/confirm/';

/** Tokens are ~250 characters; anything far longer is not one of ours. */
const TOKEN_MAX_LENGTH = 4096;

export interface ConfirmationLinkSettings {
  signingSecret: string;
  publicBaseUrl: string;
  confirmationTtlHours: number;
}

export interface IssuedLink {
  pending: PendingConfirmation;
  token: string;
  url: string;
}

/** What a verified link names. */
export interface ConfirmTarget {
  tenantId: string;
  subscriberId: Types.ObjectId;
  listId: Types.ObjectId;
  nonce: string;
}

export function issueConfirmationLink(
  settings: ConfirmationLinkSettings,
  ids: { tenantId: string; subscriberId: Types.ObjectId; listId: Types.ObjectId },
  now: Date,
): IssuedLink {
  const nonce = randomBytes(12).toString('base64url');
  // Whole seconds, so the stored expiry is exactly the one signed into the token.
  const exp = Math.floor(now.getTime() / 1000) + settings.confirmationTtlHours * 3600;
  const claims: ConfirmClaims = {
    tenant: ids.tenantId,
    subscriber: ids.subscriberId.toHexString(),
    list: ids.listId.toHexString(),
    nonce,
    exp,
  };
  const token = signToken('confirm', claims, settings.signingSecret);
  const base = settings.publicBaseUrl.replace(/\/+$/, '');
  return {
    pending: { nonce, requestedAt: now, expiresAt: new Date(exp * 1000) },
    token,
    url: `${base}${CONFIRM_PATH}${token}`,
  };
}

/**
 * What a confirmation link names; ListError INVALID_TOKEN (garbled),
 * TOKEN_REJECTED (forged) or TOKEN_EXPIRED (genuine but too old) otherwise.
 */
export function readConfirmationLink(
  token: string,
  signingSecret: string,
  now = new Date(),
): ConfirmTarget {
  if (token.length > TOKEN_MAX_LENGTH)
    throw new ListError(ListErrorCode.InvalidToken, 'the confirmation token is malformed');
  let claims: ConfirmClaims;
  try {
    claims = verifyToken('confirm', token, signingSecret, now);
  } catch (e) {
    if (!(e instanceof TokenRejectedError)) throw e;
    if (e.reason === 'bad signature') {
      throw new ListError(
        ListErrorCode.TokenRejected,
        'the confirmation token is not valid (its signature does not match)',
      );
    }
    if (e.reason === 'expired') {
      throw new ListError(
        ListErrorCode.TokenExpired,
        'the confirmation link has expired; sign up again to receive a new one',
      );
    }
    const what = e.reason === 'malformed' ? 'malformed' : `unreadable (${e.reason})`;
    throw new ListError(ListErrorCode.InvalidToken, `the confirmation token is ${what}`);
  }
  const subscriberId = parseObjectId(claims.subscriber);
  const listId = parseObjectId(claims.list);
  if (!isValidTenantId(claims.tenant) || !subscriberId || !listId) {
    throw new ListError(
      ListErrorCode.InvalidToken,
      'the confirmation token does not name a tenant, subscriber and list of this service',
    );
  }
  return { tenantId: claims.tenant, subscriberId, listId, nonce: claims.nonce };
}
