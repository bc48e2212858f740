import { checkConsent, CONSENT_LIMITS } from './consent';
import { checkSubscriberInput } from './subscriber-input';

const now = new Date('2025-06-01T12:00:00Z');
const reason = (input: unknown) => {
  const r = checkConsent(input, now);
  return r.ok ? 'accepted' : r.reason;
};

describe('checkConsent', () => {
  it('treats absent consent as none', () => {
    expect(checkConsent(undefined, now)).toEqual({ ok: true, value: {} });
    expect(checkConsent(null, now)).toEqual({ ok: true, value: {} });
  });

  it('keeps every field a signup form can give, trimmed, with the time as a Date', () => {
    expect(
      checkConsent(
        {
          source: ' signup form /newsletter ',
          ip: '2001:db8::7',
          userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
          formText: 'Yes, send me the newsletter.\nI can unsubscribe at any time.',
          at: '2025-06-01T11:58:00Z',
        },
        now,
      ),
    ).toEqual({
      ok: true,
      value: {
        source: 'signup form /newsletter',
        ip: '2001:db8::7',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
        formText: 'Yes, send me the newsletter.\nI can unsubscribe at any time.',
        at: new Date('2025-06-01T11:58:00Z'),
      },
    });
  });

  it.each<[unknown, RegExp]>([
    ['yes', /must be a JSON object/],
    [[], /must be a JSON object/],
    [{ referrer: 'x' }, /consent.referrer is not a known field/],
    [{ ip: '300.1.1.1' }, /consent.ip must be an IPv4 or IPv6 address/],
    [{ ip: 'localhost' }, /consent.ip must be/],
    [{ source: 5 }, /consent.source must be a string/],
    [{ source: 'a\nb' }, /consent.source contains a control character/],
    [{ userAgent: 'x\u0000' }, /consent.userAgent contains a control character/],
    [{ formText: 'bell\u0007' }, /consent.formText contains a control character/],
    [{ formText: 'x'.repeat(CONSENT_LIMITS.formText + 1) }, /longer than 4000/],
    [{ at: 'yesterday' }, /ISO 8601/],
    [{ at: 1717243200000 }, /ISO 8601/],
    [{ at: '2025-06-02T12:00:00Z' }, /in the future/],
  ])('refuses %j', (input, expected) => {
    expect(reason(input)).toMatch(expected);
  });
});

describe('checkSubscriberInput with consent', () => {
  it('passes consent through and reports a bad one as INVALID_CONSENT', () => {
    const ok = checkSubscriberInput({ email: 'a@b.co', consent: { source: 'form' } });
    expect(ok).toMatchObject({ ok: true, value: { consent: { source: 'form' } } });
    const bad = checkSubscriberInput({ email: 'a@b.co', consent: { ip: 'nope' } });
    expect(bad).toMatchObject({
      ok: false,
      problem: { code: 'INVALID_CONSENT', field: 'consent' },
    });
  });
});
