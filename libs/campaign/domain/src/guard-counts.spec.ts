import { addCounts, nextOutcome, outcomeDelta, type MessageOutcome } from './guard-counts';

const delivered = { status: 'delivered', final: true } as const;
const hardBounce = { status: 'bounced', final: true, hardBounce: true } as const;
const softBounce = { status: 'bounced', final: true, hardBounce: false } as const;
const deferred = { status: 'deferred', final: false } as const;
const complained = { flag: 'complained' } as const;

/** Applies changes in order, summing the counts they move, as the consumer does. */
function replay(...changes: Parameters<typeof nextOutcome>[1][]) {
  let outcome: MessageOutcome | null = null;
  let total = { delivered: 0, bounced: 0, hardBounced: 0, complained: 0 };
  for (const change of changes) {
    const after = nextOutcome(outcome, change);
    total = addCounts(total, outcomeDelta(outcome, after));
    outcome = after;
  }
  return { outcome, total };
}

describe('guard counts of one message', () => {
  it('counts a delivery once, however often its event is re-delivered', () => {
    expect(replay(delivered, delivered, delivered).total).toEqual({
      delivered: 1,
      bounced: 0,
      hardBounced: 0,
      complained: 0,
    });
  });

  it('counts a hard bounce as a bounce and a hard bounce', () => {
    expect(replay(deferred, hardBounce).total).toEqual({
      delivered: 0,
      bounced: 1,
      hardBounced: 1,
      complained: 0,
    });
  });

  it('counts a soft bounce that became final as a bounce but not a hard one', () => {
    expect(replay(deferred, deferred, softBounce).total).toMatchObject({
      bounced: 1,
      hardBounced: 0,
    });
  });

  it('moves a message from delivered to bounced when a bounce report follows the 250', () => {
    const { outcome, total } = replay(delivered, hardBounce);
    expect(outcome).toEqual({ status: 'bounced', hardBounce: true });
    expect(total).toEqual({ delivered: 0, bounced: 1, hardBounced: 1, complained: 0 });
  });

  it('never lets a late deferral undo a final outcome', () => {
    const { outcome, total } = replay(delivered, deferred);
    expect(outcome).toEqual({ status: 'delivered', hardBounce: false });
    expect(total.delivered).toBe(1);
  });

  it('counts a complaint once, and keeps it when the delivery is reported after it', () => {
    const { outcome, total } = replay(complained, delivered, complained);
    expect(outcome).toEqual({ status: 'delivered', hardBounce: false, complained: true });
    expect(total).toEqual({ delivered: 1, bounced: 0, hardBounced: 0, complained: 1 });
  });

  it('ignores opens and clicks', () => {
    expect(replay({ flag: 'opened' }, { flag: 'clicked' }).total).toEqual({
      delivered: 0,
      bounced: 0,
      hardBounced: 0,
      complained: 0,
    });
  });
});
