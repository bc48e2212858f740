// How delivery events fold into a campaign's per-message state. The pipeline is
// at least once, so applying an event twice, or out of order, must not change
// the counts: final outcomes win over deferrals, and flags are idempotent.
import { events } from '@postline/contracts';

export type DeliveryStatus = 'deferred' | 'delivered' | 'bounced';
export type EngagementFlag = 'complained' | 'opened' | 'clicked' | 'unsubscribed';

export type DeliveryUpdate =
  | { kind: 'status'; status: DeliveryStatus; final: boolean }
  | { kind: 'flag'; flag: EngagementFlag }
  | { kind: 'ignore' };

const T = events.DeliveryEventType;

export function updateFor(type: events.DeliveryEventType): DeliveryUpdate {
  switch (type) {
    case T.DELIVERY_EVENT_TYPE_DELIVERED:
      return { kind: 'status', status: 'delivered', final: true };
    case T.DELIVERY_EVENT_TYPE_BOUNCED:
      return { kind: 'status', status: 'bounced', final: true };
    case T.DELIVERY_EVENT_TYPE_DEFERRED:
      return { kind: 'status', status: 'deferred', final: false };
    case T.DELIVERY_EVENT_TYPE_COMPLAINED:
      return { kind: 'flag', flag: 'complained' };
    case T.DELIVERY_EVENT_TYPE_OPENED:
      return { kind: 'flag', flag: 'opened' };
    case T.DELIVERY_EVENT_TYPE_CLICKED:
      return { kind: 'flag', flag: 'clicked' };
    case T.DELIVERY_EVENT_TYPE_UNSUBSCRIBED:
      return { kind: 'flag', flag: 'unsubscribed' };
    default:
      // queued is counted at launch; unknown future types are not ours to count.
      return { kind: 'ignore' };
  }
}
