import { feedbackAction, type FeedbackEvent } from './delivery-feedback';

const at = new Date('2025-01-02T03:04:05Z');
const SUB = '0123456789abcdef01234567';

function event(over: Partial<FeedbackEvent>): FeedbackEvent {
  return {
    eventId: 'msg1:x:1',
    tenantId: 't1',
    subscriberId: SUB,
    recipient: 'Ann@Example.com',
    type: 'delivered',
    hardBounce: false,
    occurredAt: at,
    ...over,
  };
}

const actionOf = (over: Partial<FeedbackEvent>) => {
  const v = feedbackAction(event(over));
  if (!v.ok) throw new Error(`unexpected refusal: ${v.reason}`);
  return v.action;
};
const refusal = (over: Partial<FeedbackEvent>) => {
  const v = feedbackAction(event(over));
  return v.ok ? 'accepted' : v.reason;
};

describe('feedbackAction', () => {
  it('suppresses the normalised recipient on a hard bounce, with or without a subscriber', () => {
    const expected = {
      kind: 'suppress',
      tenantId: 't1',
      reason: 'hard_bounce',
      address: 'Ann@example.com',
    };
    expect(actionOf({ type: 'bounced', hardBounce: true })).toEqual(expected);
    expect(actionOf({ type: 'bounced', hardBounce: true, subscriberId: '' })).toEqual(expected);
  });

  it('suppresses on a complaint with reason complaint', () => {
    expect(actionOf({ type: 'complained' })).toMatchObject({
      kind: 'suppress',
      reason: 'complaint',
    });
  });

  it('counts a soft bounce towards the subscriber streak', () => {
    expect(actionOf({ type: 'bounced' })).toEqual({
      kind: 'soft_bounce',
      tenantId: 't1',
      subscriberId: SUB,
      eventId: 'msg1:x:1',
      at,
    });
  });

  it.each(['delivered', 'opened', 'clicked'] as const)(
    'maps %s to the subscriber, lower-casing the id',
    (type) => {
      expect(actionOf({ type, subscriberId: SUB.toUpperCase() })).toMatchObject({
        kind: type,
        subscriberId: SUB,
      });
    },
  );

  it.each(['queued', 'deferred', 'unspecified', 'unrecognized'] as const)('ignores %s', (type) => {
    expect(actionOf({ type, tenantId: '' })).toEqual({ kind: 'ignore' });
  });

  it('ignores engagement of mail without a subscriber (transactional)', () => {
    expect(actionOf({ type: 'opened', subscriberId: '' })).toEqual({ kind: 'ignore' });
    expect(actionOf({ type: 'bounced', subscriberId: 'not-an-object-id' })).toEqual({
      kind: 'ignore',
    });
  });

  it('unsubscribes by subscriber id, keeping the address as a fallback', () => {
    expect(actionOf({ type: 'unsubscribed' })).toEqual({
      kind: 'unsubscribe',
      tenantId: 't1',
      eventId: 'msg1:x:1',
      subscriberId: SUB,
      address: 'Ann@example.com',
      at,
    });
    expect(actionOf({ type: 'unsubscribed', subscriberId: '' })).toEqual({
      kind: 'unsubscribe',
      tenantId: 't1',
      eventId: 'msg1:x:1',
      address: 'Ann@example.com',
      at,
    });
  });

  it.each<[Partial<FeedbackEvent>, RegExp]>([
    [{ type: 'opened', tenantId: '' }, /no tenant_id/],
    [{ type: 'bounced', hardBounce: true, tenantId: 'a b' }, /malformed tenant_id/],
    [{ type: 'bounced', hardBounce: true, recipient: '' }, /recipient is empty/],
    [{ type: 'complained', recipient: 'not-an-address' }, /recipient is missing "@"/],
    [{ type: 'opened', eventId: '' }, /no event_id/],
    [
      { type: 'unsubscribed', subscriberId: '', recipient: 'x' },
      /neither a subscriber nor a valid recipient/,
    ],
  ])('refuses %j as never handleable', (over, reason) => {
    expect(refusal(over)).toMatch(reason);
  });
});
