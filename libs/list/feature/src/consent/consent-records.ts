// Consent ledger entries for the changes the list service makes: a membership
// created (with the evidence the caller sent) or ended (with what ended it).
// Ids derive from the membership and the cause, so recording twice is a no-op.
import type { ConsentRecordDoc, MembershipDoc } from '@postline/list/data-access';
import type { ConsentInput } from '@postline/list/domain';

/** Where a request came from, for an unsubscribe made over HTTP (one-click). */
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
