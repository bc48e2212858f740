import { RatePacer, type Clock } from './rate-pacer';

function fakeClock(): Clock & { slept: number } {
  let t = 0;
  const clock = {
    slept: 0,
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
      clock.slept += ms;
    },
  };
  return clock;
}

describe('RatePacer', () => {
  it('lets the first second of budget through without waiting', async () => {
    const clock = fakeClock();
    await new RatePacer(100, clock).take(100);
    expect(clock.slept).toBe(0);
  });

  it('spreads a launch over time at the configured rate', async () => {
    const clock = fakeClock();
    const pacer = new RatePacer(50, clock);
    for (let i = 0; i < 10; i++) await pacer.take(25);
    // 250 messages at 50/s with a one-second burst: about 4 seconds of waiting.
    expect(clock.slept).toBeGreaterThanOrEqual(3900);
    expect(clock.slept).toBeLessThanOrEqual(4100);
  });

  it('handles a batch larger than one second of budget', async () => {
    const clock = fakeClock();
    await new RatePacer(10, clock).take(35);
    expect(clock.slept).toBeGreaterThanOrEqual(2400);
  });

  it('refuses a non-positive rate', () => {
    expect(() => new RatePacer(0)).toThrow('send rate must be positive');
  });
});
