// Consent ledger entries for the changes the list service makes: a membership
// created (with the evidence the caller sent), a double opt-in confirmation
// requested and given (with the confirming request's IP and user agent), or a
// membership ended (with what ended it). Ids derive from the membership and the
// cause, so recording twice is a no-op.
import type { ConsentRecordDoc, MembershipDoc } from '@postline/list/data-access';
import type { ConsentInput } from '@postline/list/domain';

/** Where a request came from, for an unsubscribe or confirmation made over HTTP. */
export interface RequestEvidence {
  ip?: string;
  userAgent?: string;
}

export function subscribedRecord(
  m: Pick<MembershipDoc, '_id' | 'tenantId' | 'listId' | 'subscriberId' | 'createdAt'>,
  defaultSource: string,
  consent: ConsentInput = {},
  now = new Date(),
): ConsentRecordDoc {
  return {
    _id: `${m._id.toHexString()}:subscribed`,
    tenantId: m.tenantId,
    subscriberId: m.subscriberId,
    listId: m.listId,
    action: 'subscribed',
    source: consent.source || defaultSource,
    at: consent.at ?? m.createdAt,
    ...(consent.ip ? { ip: consent.ip } : {}),
    ...(consent.userAgent ? { userAgent: consent.userAgent } : {}),
    ...(consent.formText ? { formText: consent.formText } : {}),
    recordedAt: now,
  };
}

/** A double opt-in sign-up: the caller's evidence, one record per confirmation link issued. */
export function confirmationRequestedRecord(
  m: Pick<MembershipDoc, '_id' | 'tenantId' | 'listId' | 'subscriberId'>,
  nonce: string,
  defaultSource: string,
  consent: ConsentInput = {},
  now = new Date(),
): ConsentRecordDoc {
  return {
    _id: `${m._id.toHexString()}:confirmation_requested:${nonce}`,
    tenantId: m.tenantId,
    subscriberId: m.subscriberId,
    listId: m.listId,
    action: 'confirmation_requested',
    source: consent.source || defaultSource,
    at: consent.at ?? now,
    ...(consent.ip ? { ip: consent.ip } : {}),
    ...(consent.userAgent ? { userAgent: consent.userAgent } : {}),
    ...(consent.formText ? { formText: consent.formText } : {}),
    recordedAt: now,
  };
}

/** The person followed the confirmation link: one record per membership, `ref` the link's nonce. */
export function confirmedRecord(
  m: Pick<MembershipDoc, '_id' | 'tenantId' | 'listId' | 'subscriberId'>,
  nonce: string,
  at: Date,
  evidence: RequestEvidence = {},
  now = new Date(),
): ConsentRecordDoc {
  return {
    _id: `${m._id.toHexString()}:confirmed`,
    tenantId: m.tenantId,
    subscriberId: m.subscriberId,
    listId: m.listId,
    action: 'confirmed',
    source: 'double_opt_in',
    at,
    ...(evidence.ip ? { ip: evidence.ip } : {}),
    ...(evidence.userAgent ? { userAgent: evidence.userAgent.slice(0, 512) } : {}),
    ref: nonce,
    recordedAt: now,
  };
}

export function unsubscribedRecord(
  m: Pick<MembershipDoc, '_id' | 'tenantId' | 'listId' | 'subscriberId'>,
  source: string,
  cause: string,
  at: Date,
  evidence: RequestEvidence = {},
  now = new Date(),
): ConsentRecordDoc {
  return {
    _id: `${m._id.toHexString()}:unsubscribed:${cause}`,
    tenantId: m.tenantId,
    subscriberId: m.subscriberId,
    listId: m.listId,
    action: 'unsubscribed',
    source,
    at,
    ...(evidence.ip ? { ip: evidence.ip } : {}),
    ...(evidence.userAgent ? { userAgent: evidence.userAgent.slice(0, 512) } : {}),
    ref: cause,
    recordedAt: now,
  };
}
