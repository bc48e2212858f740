// Scenario: a launched campaign's messages carry click and open links that
// point at the campaign service (render's tracking base URL); following them
// redirects the reader and puts CLICKED / OPENED events on mail.events, which
// campaign stats count. Forged tokens, a click token used as an open token and
// garbled tokens are refused and record nothing; a campaign that turned
// tracking off gets plain links. Real list, render and campaign processes,
// Kafka and FerretDB.
import { events } from '@postline/contracts';
import { createLogger } from '@postline/platform/logging';
import { createKafka, Topics } from '@postline/platform/kafka';
import {
  eventually,
  freePorts,
  httpJson,
  infra,
  startService,
  TopicTap,
  type ServiceProcess,
  type TappedRecord,
} from '@postline/platform/testing';
import { simpleParser } from 'mailparser';
import { randomBytes } from 'node:crypto';

const runId = randomBytes(4).toString('hex');
const tenant = `track-${runId}`;
const headers = { 'x-postline-tenant': tenant };
const secret = `e2e-tracking-${runId}`;
const domain = `tracking-${runId}.test`;
const destination = `https://shop.sender.test/offer?run=${runId}&x=1`;

const outboundOf = (r: TappedRecord) => events.OutboundMessage.decode(r.message.value!);
const eventOf = (r: TappedRecord) => events.DeliveryEvent.decode(r.message.value!);

describe('campaign tracking endpoints', () => {
  const started: ServiceProcess[] = [];
  let campaignUrl: string;
  let listUrl: string;
  let outbound: TopicTap;
  let mailEvents: TopicTap;

  beforeAll(async () => {
    const [campaignHttp, campaignGrpc] = await freePorts(2);
    campaignUrl = `http://127.0.0.1:${campaignHttp}`;
    const common = { POSTLINE_LOG_LEVEL: 'warn' };
    const [list, render] = await Promise.all([
      startService('list', common),
      startService('render', {
        ...common,
        POSTLINE_RENDER_SIGNING_SECRET: secret,
        POSTLINE_TRACKING_BASE_URL: campaignUrl,
        POSTLINE_RENDER_TRACKING: 'true',
      }),
    ]);
    started.push(list, render);
    listUrl = list.httpUrl;
    const kafka = createKafka({
      brokers: infra.kafkaBrokers.split(','),
      clientId: `tracking-e2e-${runId}`,
      logger: createLogger({ service: 'tracking_e2e', level: 'warn' }),
    });
    outbound = await TopicTap.open(kafka, Topics.outbound);
    started.push(
      await startService(
        'campaign',
        {
          ...common,
          POSTLINE_LIST_GRPC_ADDRESS: list.grpcAddress,
          POSTLINE_RENDER_GRPC_ADDRESS: render.grpcAddress,
          POSTLINE_CAMPAIGN_SIGNING_SECRET: secret,
        },
        { httpPort: campaignHttp, grpcPort: campaignGrpc },
      ),
    );
    // The campaign service created mail.events on boot.
    mailEvents = await TopicTap.open(kafka, Topics.events);
  });

  afterAll(async () => {
    await Promise.all([outbound?.close(), mailEvents?.close()]);
    await Promise.all(started.map((p) => p.stop()));
  });

  /** Creates and launches a one-recipient campaign; resolves with its rendered HTML and message id. */
  async function launch(name: string, tracking: Record<string, boolean>) {
    const list = await httpJson<{ id: string }>('POST', `${listUrl}/v1/lists`, { name }, headers);
    const email = `${name}@${domain}`;
    const bulk = await httpJson<{ created: number }>(
      'POST',
      `${listUrl}/v1/lists/${list.body.id}/subscribers/bulk`,
      { subscribers: [{ email, name: 'Reader', attributes: { first_name: 'Ada' } }] },
      headers,
    );
    expect(bulk.body.created).toBe(1);
    const draft = await httpJson<{ id: string; trackClicks: boolean; trackOpens: boolean }>(
      'POST',
      `${campaignUrl}/v1/campaigns`,
      {
        name,
        listId: list.body.id,
        subject: 'Offer for {{first_name}}',
        html: `<html><body><p>Hi {{first_name}}</p><a href="${destination.replace(/&/g, '&amp;')}">Shop</a></body></html>`,
        fromAddress: 'news@sender.test',
        ...tracking,
      },
      headers,
    );
    expect(draft.status).toBe(201);
    const launched = await httpJson(
      'POST',
      `${campaignUrl}/v1/campaigns/${draft.body.id}/launch`,
      undefined,
      headers,
    );
    expect(launched.status).toBe(202);
    const [record] = await outbound.waitFor(
      (r) => outboundOf(r).campaignId === draft.body.id,
      1,
      60000,
      `rendered message of ${name}`,
    );
    const message = outboundOf(record);
    const html = (await simpleParser(Buffer.from(message.rawMime))).html as string;
    return { campaignId: draft.body.id, view: draft.body, messageId: message.messageId, html };
  }

  it('records a click and an open from a tracked message, and refuses forged tokens', async () => {
    const tracked = await launch(`tracked-${runId}`, {});
    expect(tracked.view).toMatchObject({ trackClicks: true, trackOpens: true });
    const base = campaignUrl.replace(/[.]/g, '\\.');
    const clickUrl = new RegExp(`href="(${base}/c/[^"]+)">Shop<`).exec(tracked.html)![1];
    const openUrl = new RegExp(`<img src="(${base}/o/[^"]+)"`).exec(tracked.html)![1];

    const click = await fetch(clickUrl, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(destination);
    expect(click.headers.get('referrer-policy')).toBe('no-referrer');
    expect(click.headers.get('cache-control')).toContain('no-store');

    const open = await fetch(openUrl);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe('image/gif');
    expect(open.headers.get('cache-control')).toContain('no-cache');
    expect(
      Buffer.from(await open.arrayBuffer())
        .subarray(0, 6)
        .toString(),
    ).toBe('GIF89a');

    const ofMessage = (type: events.DeliveryEventType) => (r: TappedRecord) =>
      eventOf(r).messageId === tracked.messageId && eventOf(r).type === type;
    const CLICKED = events.DeliveryEventType.DELIVERY_EVENT_TYPE_CLICKED;
    const OPENED = events.DeliveryEventType.DELIVERY_EVENT_TYPE_OPENED;
    const [clicked] = await mailEvents.waitFor(ofMessage(CLICKED), 1, 30000, 'CLICKED event');
    expect(eventOf(clicked)).toMatchObject({
      tenantId: tenant,
      campaignId: tracked.campaignId,
      url: destination,
    });
    expect(eventOf(clicked).subscriberId).toMatch(/^[0-9a-f]{24}$/);
    expect(clicked.message.key?.toString()).toBe(tracked.messageId);
    await mailEvents.waitFor(ofMessage(OPENED), 1, 30000, 'OPENED event');

    // Refused hits: another destination under the same signature, a click token
    // at the open endpoint, an open token at the click endpoint, garbage.
    const clickToken = clickUrl.split('/c/')[1];
    const openToken = openUrl.split('/o/')[1];
    const [body, sig] = clickToken.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const swapped = Buffer.from(JSON.stringify({ ...claims, url: 'https://evil.test/' })).toString(
      'base64url',
    );
    const refused: Array<[string, number, string]> = [
      [`/c/${swapped}.${sig}`, 403, 'TRACKING_TOKEN_REJECTED'],
      [`/o/${clickToken}`, 403, 'TRACKING_TOKEN_REJECTED'],
      [`/c/${openToken}`, 403, 'TRACKING_TOKEN_REJECTED'],
      [`/o/not-a-token`, 400, 'TRACKING_TOKEN_INVALID'],
      [`/c/${'x'.repeat(9000)}.y`, 400, 'TRACKING_TOKEN_INVALID'],
    ];
    for (const [path, status, code] of refused) {
      const res = await fetch(`${campaignUrl}${path}`, { redirect: 'manual' });
      expect([path.slice(0, 3), res.status]).toEqual([path.slice(0, 3), status]);
      expect(((await res.json()) as { code: string }).code).toBe(code);
    }
    // One more good open: events of one message share a partition, so once it
    // arrives anything the refused hits had produced would have arrived too.
    expect((await fetch(openUrl)).status).toBe(200);
    await mailEvents.waitFor(ofMessage(OPENED), 2, 30000, 'second OPENED event');
    expect(mailEvents.seen(ofMessage(CLICKED))).toHaveLength(1);
    expect(
      mailEvents.seen((r) => eventOf(r).messageId === tracked.messageId && eventOf(r).url !== ''),
    ).toHaveLength(1);

    const stats = await eventually(
      async () => {
        const s = await httpJson<{ opened: number; clicked: number }>(
          'GET',
          `${campaignUrl}/v1/campaigns/${tracked.campaignId}/stats`,
          undefined,
          headers,
        );
        return s.body.opened === 1 && s.body.clicked === 1 ? s.body : undefined;
      },
      30000,
      'one open and one click in the campaign stats',
    );
    expect(stats).toMatchObject({ opened: 1, clicked: 1 });
  });

  it('sends plain links and no pixel for a campaign that turned tracking off', async () => {
    const plain = await launch(`plain-${runId}`, { trackClicks: false, trackOpens: false });
    expect(plain.view).toMatchObject({ trackClicks: false, trackOpens: false });
    expect(plain.html).toContain(`<a href="${destination.replace(/&/g, '&amp;')}">Shop</a>`);
    expect(plain.html).not.toContain('/c/');
    expect(plain.html).not.toContain('/o/');
  });

  it('refuses a tracking choice that is not a boolean', async () => {
    const res = await httpJson<{ message: string[] }>(
      'POST',
      `${campaignUrl}/v1/campaigns`,
      {
        name: 'bad',
        listId: 'x',
        subject: 's',
        html: '<p>x</p>',
        fromAddress: 'news@sender.test',
        trackOpens: 'yes',
      },
      headers,
    );
    expect(res.status).toBe(400);
    expect(res.body.message.join(' ')).toContain('trackOpens must be a boolean value');
  });
});
