import { events } from '@postline/contracts';
import { effectiveTracking, toMessageInput, validateRenderRequest } from './render-request.mapper';

const compliance = {
  signingSecret: 's',
  trackingBaseUrl: 'https://t.example.test',
  bounceDomain: '',
  unsubscribeMailtoDomain: '',
};

function request(tracking?: { clicks: boolean; opens: boolean }) {
  return validateRenderRequest(
    events.RenderRequest.fromPartial({
      requestId: 'camp-1:s1',
      campaignId: 'camp-1',
      template: { templateId: 't', version: 1 },
      recipient: { subscriberId: 's1', email: 'a@example.test', name: '' },
      fromAddress: 'news@sender.test',
      ...(tracking ? { tracking } : {}),
    }),
  );
}

describe('tracking of a campaign message', () => {
  it.each([
    // service allows, campaign asks → clicks, opens
    [true, { clicks: true, opens: true }, { clicks: true, opens: true }],
    [true, { clicks: true, opens: false }, { clicks: true, opens: false }],
    [true, { clicks: false, opens: true }, { clicks: false, opens: true }],
    [true, { clicks: false, opens: false }, { clicks: false, opens: false }],
    [false, { clicks: true, opens: true }, { clicks: false, opens: false }],
    [true, undefined, { clicks: true, opens: true }],
    [false, undefined, { clicks: false, opens: false }],
  ])('service allows %s, campaign asks %j: gets %j', (allows, asked, expected) => {
    expect(effectiveTracking(allows, asked)).toEqual(expected);
  });

  it('carries the campaign choice from the request into the render input', () => {
    const input = toMessageInput(
      request({ clicks: false, opens: true }),
      new Date(),
      compliance,
      true,
    );
    expect(input.campaign?.tracking).toEqual({ clicks: false, opens: true });
  });

  it('survives the wire: a request encoded without options decodes with none', () => {
    const wire = events.RenderRequest.decode(events.RenderRequest.encode(request()).finish());
    expect(wire.tracking).toBeUndefined();
    const chosen = validateRenderRequest(
      events.RenderRequest.decode(
        events.RenderRequest.encode(request({ clicks: false, opens: false })).finish(),
      ),
    );
    expect(chosen.tracking).toEqual({ clicks: false, opens: false });
    expect(toMessageInput(chosen, new Date(), compliance, true).campaign?.tracking).toEqual({
      clicks: false,
      opens: false,
    });
  });
});
