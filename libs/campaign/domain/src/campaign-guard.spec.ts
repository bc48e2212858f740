import { effectiveLimits, guardDecision, guardRates, type GuardLimits } from './campaign-guard';
import type { GuardCounts } from './guard-counts';

const limits: GuardLimits = {
  minAttempts: 500,
  maxHardBounceBasisPoints: 500, // 5 %
  maxComplaintBasisPoints: 10, // 0.1 %
};

const counts = (c: Partial<GuardCounts>): GuardCounts => ({
  delivered: 0,
  bounced: 0,
  hardBounced: 0,
  complained: 0,
  ...c,
});

describe('campaign guard decision', () => {
  it('never pauses before the minimum sample, however bad the rate', () => {
    const d = guardDecision(counts({ delivered: 1, bounced: 498, hardBounced: 498 }), limits);
    expect(d).toMatchObject({ pause: false, rates: { attempts: 499 } });
  });

  it('pauses for bounce_rate once the sample is reached and hard bounces pass the limit', () => {
    const d = guardDecision(counts({ delivered: 474, bounced: 26, hardBounced: 26 }), limits);
    expect(d).toEqual({
      pause: true,
      reason: 'bounce_rate',
      limit: 500,
      rates: { attempts: 500, hardBounceBasisPoints: 520, complaintBasisPoints: 0 },
    });
  });

  it('tolerates a rate exactly at the limit', () => {
    const d = guardDecision(counts({ delivered: 475, bounced: 25, hardBounced: 25 }), limits);
    expect(d.pause).toBe(false);
    expect(d.rates.hardBounceBasisPoints).toBe(500);
  });

  it('does not count soft bounces against the hard-bounce limit, but counts them as attempts', () => {
    const d = guardDecision(counts({ delivered: 400, bounced: 100, hardBounced: 20 }), limits);
    expect(d).toMatchObject({ pause: false, rates: { attempts: 500, hardBounceBasisPoints: 400 } });
  });

  it('pauses for complaint_rate when complaints per delivered message pass the limit', () => {
    // 2 complaints in 1,000 delivered is 0.2 %, over the 0.1 % limit.
    const d = guardDecision(counts({ delivered: 1000, complained: 2 }), limits);
    expect(d).toMatchObject({ pause: true, reason: 'complaint_rate', limit: 10 });
    expect(d.rates.complaintBasisPoints).toBe(20);
  });

  it('tolerates one complaint in a thousand delivered at a 0.1 % limit', () => {
    expect(guardDecision(counts({ delivered: 1000, complained: 1 }), limits).pause).toBe(false);
  });

  it('names bounce_rate when both rates are over their limits', () => {
    const d = guardDecision(
      counts({ delivered: 900, bounced: 100, hardBounced: 100, complained: 50 }),
      limits,
    );
    expect(d).toMatchObject({ pause: true, reason: 'bounce_rate' });
  });

  it('judges complaints against delivered mail only, and none when nothing was delivered', () => {
    const d = guardDecision(counts({ bounced: 600, complained: 3 }), {
      ...limits,
      maxHardBounceBasisPoints: 10000,
    });
    expect(d).toMatchObject({ pause: false, rates: { complaintBasisPoints: 0 } });
  });

  it('reads counts that dipped below zero after a window reset as zero', () => {
    const d = guardDecision(counts({ delivered: -3, bounced: 2, hardBounced: 5 }), {
      ...limits,
      minAttempts: 1,
    });
    expect(d).toMatchObject({
      pause: true,
      reason: 'bounce_rate',
      rates: { attempts: 2, hardBounceBasisPoints: 10000 },
    });
  });

  it('with a zero limit, pauses on the first hard bounce after the sample', () => {
    const strict = { ...limits, minAttempts: 1, maxHardBounceBasisPoints: 0 };
    expect(guardDecision(counts({ delivered: 5 }), strict).pause).toBe(false);
    expect(guardDecision(counts({ delivered: 5, bounced: 1, hardBounced: 1 }), strict).pause).toBe(
      true,
    );
  });

  it('never pauses at a limit of 10,000 basis points (100 %)', () => {
    const open = { ...limits, maxHardBounceBasisPoints: 10000, maxComplaintBasisPoints: 10000 };
    expect(
      guardDecision(
        counts({ delivered: 500, bounced: 500, hardBounced: 500, complained: 500 }),
        open,
      ).pause,
    ).toBe(false);
  });
});

describe('guard rates', () => {
  it('rounds rates down to whole basis points', () => {
    expect(guardRates(counts({ delivered: 2, bounced: 1, hardBounced: 1, complained: 1 }))).toEqual(
      { attempts: 3, hardBounceBasisPoints: 3333, complaintBasisPoints: 5000 },
    );
  });
});

describe('effective guard limits', () => {
  it("takes the campaign's own limits where set and the service's elsewhere", () => {
    expect(effectiveLimits({ maxHardBounceBasisPoints: 200 }, limits)).toEqual({
      minAttempts: 500,
      maxHardBounceBasisPoints: 200,
      maxComplaintBasisPoints: 10,
    });
    expect(effectiveLimits(undefined, limits)).toEqual(limits);
  });

  it('keeps a campaign limit of zero rather than falling back to the default', () => {
    expect(effectiveLimits({ maxComplaintBasisPoints: 0 }, limits).maxComplaintBasisPoints).toBe(0);
  });
});
