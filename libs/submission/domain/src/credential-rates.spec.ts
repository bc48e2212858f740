import { CredentialRates, SlidingRate } from './credential-rates';

describe('SlidingRate', () => {
  it('counts what was added in the current minute', () => {
    const r = new SlidingRate(60_000);
    r.add('k', 60_000, 3);
    r.add('k', 90_000, 2);
    expect(r.count('k', 100_000)).toBe(5);
    expect(r.count('other', 100_000)).toBe(0);
  });

  it('weights the previous minute by its share still inside the window', () => {
    const r = new SlidingRate(60_000);
    r.add('k', 60_000, 10);
    expect(r.count('k', 120_000)).toBe(10);
    expect(r.count('k', 150_000)).toBe(5);
    expect(r.count('k', 180_000)).toBe(0);
  });

  it('forgets everything after two idle windows', () => {
    const r = new SlidingRate(60_000);
    r.add('k', 0, 10);
    r.add('k', 200_000, 1);
    expect(r.count('k', 200_000)).toBe(1);
  });
});

describe('CredentialRates', () => {
  const limits = { messagesPerMinute: 2, recipientsPerMinute: 5 };

  it('allows messages until the per-minute limit is reached, then again a minute later', () => {
    const clock = { now: 0 };
    const rates = new CredentialRates(() => clock.now);
    expect(rates.messageAllowed('app', limits)).toBe(true);
    rates.recordAccepted('app', 1);
    rates.recordAccepted('app', 1);
    expect(rates.messageAllowed('app', limits)).toBe(false);
    expect(rates.messageAllowed('other', limits)).toBe(true);
    clock.now = 120_000;
    expect(rates.messageAllowed('app', limits)).toBe(true);
  });

  it('counts the recipients of the message being built against the recipient limit', () => {
    const rates = new CredentialRates(() => 0);
    rates.recordAccepted('app', 3);
    expect(rates.recipientAllowed('app', limits, 1)).toBe(true);
    expect(rates.recipientAllowed('app', limits, 2)).toBe(false);
  });
});
