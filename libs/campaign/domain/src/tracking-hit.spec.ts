import { events } from '@postline/contracts';
import { signToken } from '@postline/shared/signed-token';
import { CampaignError } from './campaign-errors';
import { hitEvent, TRANSPARENT_GIF, verifyHit } from './tracking-hit';

const secret = 'tracking-secret';
const claims = {
  tenant: 'acme',
  subscriber: '65a1b2c3d4e5f60718293a4b',
  campaign: 'camp-1',
  message: '0123456789abcdef0123456789abcdef',
};
const click = (url: string, key = secret) => signToken('click', { ...claims, url }, key);

function failure(work: () => unknown): CampaignError {
  try {
    work();
  } catch (e) {
    if (e instanceof CampaignError) return e;
    throw e;
  }
  throw new Error('expected a CampaignError');
}

describe('tracking tokens', () => {
  it('gives the claims and the destination of a click token', () => {
    const hit = verifyHit('click', click('https://shop.test/a?b=1&c=2'), secret);
    expect(hit).toEqual({ kind: 'click', claims, destination: 'https://shop.test/a?b=1&c=2' });
  });

  it('gives the claims of an open token', () => {
    expect(verifyHit('open', signToken('open', claims, secret), secret)).toEqual({
      kind: 'open',
      claims,
    });
  });

  it('rejects a token signed with another secret as forged (403)', () => {
    const err = failure(() => verifyHit('click', click('https://shop.test/', 'other'), secret));
    expect([err.code, err.status]).toEqual(['TRACKING_TOKEN_REJECTED', 403]);
  });

  it('never accepts a click token as an open token, nor the reverse', () => {
    expect(failure(() => verifyHit('open', click('https://shop.test/'), secret)).code).toBe(
      'TRACKING_TOKEN_REJECTED',
    );
    expect(failure(() => verifyHit('click', signToken('open', claims, secret), secret)).code).toBe(
      'TRACKING_TOKEN_REJECTED',
    );
    const unsubscribe = signToken('unsubscribe', claims, secret);
    expect(failure(() => verifyHit('open', unsubscribe, secret)).code).toBe(
      'TRACKING_TOKEN_REJECTED',
    );
  });

  it('rejects a click token whose destination was swapped', () => {
    const [, sig] = click('https://shop.test/').split('.');
    const body = Buffer.from(JSON.stringify({ ...claims, url: 'https://evil.test/' })).toString(
      'base64url',
    );
    expect(failure(() => verifyHit('click', `${body}.${sig}`, secret)).code).toBe(
      'TRACKING_TOKEN_REJECTED',
    );
  });

  it.each([
    ['empty', ''],
    ['without a signature', 'abc'],
    ['with two dots', 'a.b.c'],
    ['longer than 8192 characters', `${'a'.repeat(8200)}.sig`],
  ])('refuses a token %s as invalid (400)', (_what, token) => {
    const err = failure(() => verifyHit('open', token, secret));
    expect([err.code, err.status]).toEqual(['TRACKING_TOKEN_INVALID', 400]);
  });

  it('refuses a signed destination that is not http(s), so no javascript: redirect', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'not a url']) {
      expect(failure(() => verifyHit('click', click(url), secret)).code).toBe(
        'TRACKING_TOKEN_INVALID',
      );
    }
  });

  it('refuses signed claims that name no message', () => {
    const token = signToken('open', { ...claims, message: '../../etc' }, secret);
    expect(failure(() => verifyHit('open', token, secret)).code).toBe('TRACKING_TOKEN_INVALID');
  });
});

describe('tracking events', () => {
  const at = new Date('2026-02-03T04:05:06Z');

  it('makes a click a CLICKED event with the destination', () => {
    const event = hitEvent(verifyHit('click', click('https://shop.test/x'), secret), 'e1', at);
    expect(event).toMatchObject({
      eventId: 'e1',
      messageId: claims.message,
      tenantId: 'acme',
      campaignId: 'camp-1',
      subscriberId: claims.subscriber,
      type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_CLICKED,
      occurredAt: at,
      url: 'https://shop.test/x',
    });
  });

  it('makes an open an OPENED event without a url', () => {
    const event = hitEvent(verifyHit('open', signToken('open', claims, secret), secret), 'e2', at);
    expect(event.type).toBe(events.DeliveryEventType.DELIVERY_EVENT_TYPE_OPENED);
    expect(event.url).toBe('');
  });
});

describe('open pixel', () => {
  it('is a 1x1 GIF89a', () => {
    expect(TRANSPARENT_GIF.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(TRANSPARENT_GIF.readUInt16LE(6)).toBe(1);
    expect(TRANSPARENT_GIF.readUInt16LE(8)).toBe(1);
    expect(TRANSPARENT_GIF[TRANSPARENT_GIF.length - 1]).toBe(0x3b);
  });
});
