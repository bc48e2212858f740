// What the list service does with one delivery event from mail.events: hard
// bounces and complaints suppress the address tenant-wide, soft bounces grow a
// per-subscriber streak that delivered/opened/clicked events reset, opens and
// clicks feed engagement counters, and unsubscribes end memberships. Pure: the
// caller decodes the protobuf and performs the writes.
import { checkEmailAddress } from './email-address';
import { isValidTenantId } from './tenant';

export const FEEDBACK_TYPES = [
  'unspecified',
  'queued',
  'delivered',
  'deferred',
  'bounced',
  'complained',
  'opened',
  'clicked',
  'unsubscribed',
  'unrecognized',
] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];

/** The fields of a DeliveryEvent this needs, with proto3 defaults ("" / false) for absent ones. */
export interface FeedbackEvent {
  eventId: string;
  tenantId: string;
  subscriberId: string;
  recipient: string;
  type: FeedbackType;
  hardBounce: boolean;
  occurredAt: Date;
}

export type FeedbackAction =
  | { kind: 'ignore' }
  | { kind: 'suppress'; tenantId: string; reason: 'hard_bounce' | 'complaint'; address: string }
  | {
      kind: 'soft_bounce' | 'delivered' | 'opened' | 'clicked';
      tenantId: string;
      subscriberId: string;
      eventId: string;
      at: Date;
    }
  | {
      kind: 'unsubscribe';
      tenantId: string;
      eventId: string;
      /** Absent when the event names none; then `address` finds the subscriber. */
      subscriberId?: string;
      address?: string;
      at: Date;
    };

export type FeedbackVerdict = { ok: true; action: FeedbackAction } | { ok: false; reason: string };

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;
const IGNORE: FeedbackVerdict = { ok: true, action: { kind: 'ignore' } };

/**
 * Decides the action for one event. `ok: false` means the record can never be
 * handled (it names no tenant, or no one to act on) and belongs in the dead
 * letter topic; events about mail with no subscriber (transactional) are ignored
 * except where the address alone is enough (hard bounce, complaint).
 */
export function feedbackAction(e: FeedbackEvent): FeedbackVerdict {
  if (!['delivered', 'bounced', 'complained', 'opened', 'clicked', 'unsubscribed'].includes(e.type))
    return IGNORE;
  if (e.tenantId === '') return { ok: false, reason: `${e.type} event has no tenant_id` };
  if (!isValidTenantId(e.tenantId))
    return { ok: false, reason: `${e.type} event has a malformed tenant_id` };
  const tenantId = e.tenantId;
  const subscriberId = OBJECT_ID.test(e.subscriberId) ? e.subscriberId.toLowerCase() : undefined;

  if ((e.type === 'bounced' && e.hardBounce) || e.type === 'complained') {
    const address = checkEmailAddress(e.recipient);
    if (!address.ok) return { ok: false, reason: `${e.type} event recipient ${address.reason}` };
    const reason = e.type === 'complained' ? 'complaint' : 'hard_bounce';
    return {
      ok: true,
      action: { kind: 'suppress', tenantId, reason, address: address.value.address },
    };
  }
  if (e.eventId === '') return { ok: false, reason: `${e.type} event has no event_id` };
  if (e.type === 'unsubscribed') {
    const address = checkEmailAddress(e.recipient);
    if (!subscriberId && !address.ok)
      return {
        ok: false,
        reason: 'unsubscribed event names neither a subscriber nor a valid recipient',
      };
    return {
      ok: true,
      action: {
        kind: 'unsubscribe',
        tenantId,
        eventId: e.eventId,
        ...(subscriberId ? { subscriberId } : {}),
        ...(address.ok ? { address: address.value.address } : {}),
        at: e.occurredAt,
      },
    };
  }
  // Engagement and streaks belong to a subscriber; mail sent to none (transactional) has nothing to update.
  const kind = SUBSCRIBER_KINDS[e.type];
  if (!subscriberId || !kind) return IGNORE;
  return {
    ok: true,
    action: { kind, tenantId, subscriberId, eventId: e.eventId, at: e.occurredAt },
  };
}

const SUBSCRIBER_KINDS: Partial<
  Record<FeedbackType, 'soft_bounce' | 'delivered' | 'opened' | 'clicked'>
> = { bounced: 'soft_bounce', delivered: 'delivered', opened: 'opened', clicked: 'clicked' };
