import { events } from '@postline/contracts';
import { buildRenderRequest, type CampaignForRender } from './render-request';

const campaign: CampaignForRender = {
  _id: 'camp-1',
  tenantId: 'acme',
  fromAddress: 'news@sender.test',
  fromName: 'News',
  template: { templateId: 'tpl', version: 3 },
};
const recipient = events.Recipient.fromPartial({ subscriberId: 's1', email: 'a@example.test' });
const now = new Date('2026-01-02T03:04:05Z');

/** What render receives: the request after a round trip through its wire format. */
const onTheWire = (c: CampaignForRender) =>
  events.RenderRequest.decode(
    events.RenderRequest.encode(buildRenderRequest(c, recipient, 'bulk', now)).finish(),
  );

describe('render request of a campaign recipient', () => {
  it('carries the campaign, recipient, template version and pool', () => {
    expect(onTheWire(campaign)).toMatchObject({
      requestId: 'camp-1:s1',
      tenantId: 'acme',
      campaignId: 'camp-1',
      template: { templateId: 'tpl', version: 3 },
      recipient: { subscriberId: 's1', email: 'a@example.test' },
      fromAddress: 'news@sender.test',
      fromName: 'News',
      pool: 'bulk',
      requestedAt: now,
    });
  });

  it('carries the campaign tracking choice, including a choice of none', () => {
    expect(onTheWire({ ...campaign, tracking: { clicks: false, opens: true } }).tracking).toEqual({
      clicks: false,
      opens: true,
    });
    expect(onTheWire({ ...campaign, tracking: { clicks: false, opens: false } }).tracking).toEqual({
      clicks: false,
      opens: false,
    });
  });

  it('asks for both when the campaign predates the choice', () => {
    expect(onTheWire(campaign).tracking).toEqual({ clicks: true, opens: true });
  });
});
