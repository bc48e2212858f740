import { events } from '@postline/contracts';
import { updateFor } from './delivery-status';

const T = events.DeliveryEventType;

describe('updateFor', () => {
  it('treats delivered and bounced as final outcomes', () => {
    expect(updateFor(T.DELIVERY_EVENT_TYPE_DELIVERED)).toEqual({
      kind: 'status',
      status: 'delivered',
      final: true,
    });
    expect(updateFor(T.DELIVERY_EVENT_TYPE_BOUNCED)).toEqual({
      kind: 'status',
      status: 'bounced',
      final: true,
    });
  });

  it('treats a deferral as provisional', () => {
    expect(updateFor(T.DELIVERY_EVENT_TYPE_DEFERRED)).toEqual({
      kind: 'status',
      status: 'deferred',
      final: false,
    });
  });

  it('maps engagement events to flags', () => {
    expect(updateFor(T.DELIVERY_EVENT_TYPE_OPENED)).toEqual({ kind: 'flag', flag: 'opened' });
    expect(updateFor(T.DELIVERY_EVENT_TYPE_COMPLAINED)).toEqual({
      kind: 'flag',
      flag: 'complained',
    });
  });

  it('ignores queued and unknown types', () => {
    expect(updateFor(T.DELIVERY_EVENT_TYPE_QUEUED).kind).toBe('ignore');
    expect(updateFor(999 as events.DeliveryEventType).kind).toBe('ignore');
  });
});
