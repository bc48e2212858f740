// Scenario: the campaign guard. A campaign is launched at a slow rate; hard
// bounces for its first messages arrive on mail.events (as the MTA would emit
// them, each twice); the guard pauses the campaign for bounce_rate, counts the
// pause on /metrics, and the launcher produces nothing more for it while a
// campaign launched after the pause keeps sending. A resume the guard would
// undo is refused (gRPC); a resume with a fresh window (REST) sends the rest,
// each recipient once. An operator can pause and resume a sending campaign the
// same way. Real list, render and campaign processes, Kafka and FerretDB.
import type { ServiceError } from '@grpc/grpc-js';
import { messageIdFor } from '@postline/campaign/domain';
import { campaignV1, events } from '@postline/contracts';
import { createGrpcClient, unary } from '@postline/platform/grpc';
import { createLogger } from '@postline/platform/logging';
import { createKafka, encodePayload, Topics } from '@postline/platform/kafka';
import {
  eventually,
  httpJson,
  infra,
  startService,
  TopicTap,
  type ServiceProcess,
  type TappedRecord,
} from '@postline/platform/testing';
import { Partitioners, type Producer } from 'kafkajs';
import { randomBytes } from 'node:crypto';

const runId = randomBytes(4).toString('hex');
const tenant = `guard-${runId}`;
const headers = { 'x-postline-tenant': tenant };
const RECIPIENTS = 400;
const BOUNCED = 20;
// 20 render requests a second in batches of 10: the launch takes 20 s, so the
// guard acts long before its end, and a launcher that ignored the pause would
// produce a batch every half second.
const RATE = 20;

interface GuardView {
  minAttempts: number;
  maxHardBounceBasisPoints: number;
  attempts: number;
  bounced: number;
  hardBounced: number;
  hardBounceBasisPoints: number;
}
interface CampaignView {
  id: string;
  status: string;
  pauseReason: string | null;
  recipientsQueued: number;
  guard: GuardView;
}

const requestOf = (r: TappedRecord) => events.RenderRequest.decode(r.message.value!);
const ofCampaign = (id: string) => (r: TappedRecord) => requestOf(r).campaignId === id;

describe('campaign guard', () => {
  const started: ServiceProcess[] = [];
  let campaignUrl: string;
  let listUrl: string;
  let grpcAddress: string;
  let render: TopicTap;
  let producer: Producer;

  beforeAll(async () => {
    const common = { POSTLINE_LOG_LEVEL: 'warn' };
    const [list, renderService] = await Promise.all([
      startService('list', common),
      startService('render', common),
    ]);
    started.push(list, renderService);
    listUrl = list.httpUrl;
    const campaign = await startService('campaign', {
      ...common,
      POSTLINE_LIST_GRPC_ADDRESS: list.grpcAddress,
      POSTLINE_RENDER_GRPC_ADDRESS: renderService.grpcAddress,
      POSTLINE_CAMPAIGN_BATCH_SIZE: '10',
    });
    started.push(campaign);
    campaignUrl = `${campaign.httpUrl}/v1/campaigns`;
    grpcAddress = campaign.grpcAddress;
    const kafka = createKafka({
      brokers: infra.kafkaBrokers.split(','),
      clientId: `guard-e2e-${runId}`,
      logger: createLogger({ service: 'guard_e2e', level: 'warn' }),
    });
    render = await TopicTap.open(kafka, Topics.render);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all([render?.close(), producer?.disconnect()]);
    await Promise.all(started.map((p) => p.stop()));
  });

  async function listOf(name: string, size: number): Promise<string> {
    const list = await httpJson<{ id: string }>('POST', `${listUrl}/v1/lists`, { name }, headers);
    const subscribers = Array.from({ length: size }, (_, i) => ({
      email: `${name}-${i}@guard-${runId}.test`,
      attributes: { first_name: `R${i}` },
    }));
    const bulk = await httpJson<{ created: number }>(
      'POST',
      `${listUrl}/v1/lists/${list.body.id}/subscribers/bulk`,
      { subscribers },
      headers,
    );
    expect(bulk.body.created).toBe(size);
    return list.body.id;
  }

  async function launch(listId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const draft = await httpJson<CampaignView>(
      'POST',
      campaignUrl,
      {
        name: `guard ${runId}`,
        listId,
        subject: 'Hello {{first_name}}',
        html: '<p>Hi {{first_name}}</p>',
        fromAddress: 'news@sender.test',
        sendRatePerSecond: RATE,
        ...extra,
      },
      headers,
    );
    expect(draft.status).toBe(201);
    const launched = await httpJson('POST', `${campaignUrl}/${draft.body.id}/launch`, {}, headers);
    expect(launched.status).toBe(202);
    return draft.body.id;
  }

  const read = async (id: string) =>
    (await httpJson<CampaignView>('GET', `${campaignUrl}/${id}`, undefined, headers)).body;

  /** What the MTA emits for a permanent failure; each record twice, as an at-least-once producer may. */
  async function bounceHard(requests: events.RenderRequest[]): Promise<void> {
    const messages = requests.flatMap((r) => {
      const messageId = messageIdFor(r.requestId);
      const event = events.DeliveryEvent.fromPartial({
        eventId: `${messageId}:bounced:1`,
        messageId,
        tenantId: r.tenantId,
        campaignId: r.campaignId,
        subscriberId: r.recipient!.subscriberId,
        recipient: r.recipient!.email,
        type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_BOUNCED,
        occurredAt: new Date(),
        attempt: 1,
        reply: { code: 550, enhancedCode: '5.1.1', text: 'no such user' },
        bounceCategory: events.BounceCategory.BOUNCE_CATEGORY_BAD_MAILBOX,
        hardBounce: true,
      });
      const record = { key: messageId, value: encodePayload(events.DeliveryEvent, event) };
      return [record, record];
    });
    await producer.send({ topic: Topics.events, acks: -1, messages });
  }

  /** An OPENED event after each bounce, on the same key (partition): once stats count them, every bounce before them was consumed. */
  async function openAfter(requests: events.RenderRequest[]): Promise<void> {
    const messages = requests.map((r) => {
      const messageId = messageIdFor(r.requestId);
      const event = events.DeliveryEvent.fromPartial({
        eventId: `${messageId}:opened:${runId}`,
        messageId,
        tenantId: r.tenantId,
        campaignId: r.campaignId,
        subscriberId: r.recipient!.subscriberId,
        type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_OPENED,
        occurredAt: new Date(),
      });
      return { key: messageId, value: encodePayload(events.DeliveryEvent, event) };
    });
    await producer.send({ topic: Topics.events, acks: -1, messages });
  }

  it('pauses a campaign for bounce_rate, produces nothing more for it, and resumes it on request', async () => {
    const campaignId = await launch(await listOf('main', RECIPIENTS), {
      // The service default sample (500) is larger than this whole test; the campaign sets its own.
      guard: { minAttempts: BOUNCED },
    });
    const first = await render.waitFor(ofCampaign(campaignId), BOUNCED, 30000, 'first requests');
    await bounceHard(first.slice(0, BOUNCED).map(requestOf));

    const paused = await eventually(
      async () => {
        const c = await read(campaignId);
        return c.status === 'paused' ? c : undefined;
      },
      30000,
      'the campaign paused by the guard',
    );
    expect(paused).toMatchObject({
      pauseReason: 'bounce_rate',
      guard: { minAttempts: BOUNCED, maxHardBounceBasisPoints: 500, hardBounceBasisPoints: 10000 },
    });
    const queuedAtPause = paused.recipientsQueued;
    expect(queuedAtPause).toBeLessThan(RECIPIENTS);

    const metrics = await (
      await fetch(`${campaignUrl.replace('/v1/campaigns', '')}/metrics`)
    ).text();
    expect(metrics).toContain('postline_campaign_guard_pauses_total{reason="bounce_rate"} 1');
    expect(metrics).toContain('postline_campaign_guard_pauses_total{reason="complaint_rate"} 0');

    // Each bounce was sent twice; once both copies are consumed, each still counts once.
    await openAfter(first.slice(0, BOUNCED).map(requestOf));
    await eventually(
      async () => {
        const s = await httpJson<{ opened: number }>(
          'GET',
          `${campaignUrl}/${campaignId}/stats`,
          undefined,
          headers,
        );
        return s.body.opened === BOUNCED ? s.body : undefined;
      },
      30000,
      'the opens after the bounces counted',
    );
    expect((await read(campaignId)).guard).toMatchObject({
      attempts: BOUNCED,
      bounced: BOUNCED,
      hardBounced: BOUNCED,
    });

    // A campaign launched after the pause gets 40 requests out (the last 20 need a second of
    // pacing); a launcher still sending the paused one would have produced 20 more meanwhile.
    const sentinel = await launch(await listOf('sentinel', 40));
    await render.waitFor(ofCampaign(sentinel), 40, 30000, 'the later campaign’s requests');
    await render.waitFor(ofCampaign(campaignId), queuedAtPause, 30000, 'requests before the pause');
    expect(render.seen(ofCampaign(campaignId)).length).toBe(queuedAtPause);
    expect((await read(campaignId)).recipientsQueued).toBe(queuedAtPause);

    // A resume the guard would undo at once is refused, and changes nothing.
    const client = createGrpcClient(campaignV1.CampaignServiceClient, grpcAddress);
    try {
      const refused = await unary(client.resumeCampaign.bind(client), {
        tenantId: tenant,
        campaignId,
        resetWindow: false,
        guard: undefined,
      }).catch((e: ServiceError) => e);
      expect(refused).toMatchObject({ code: 9 }); // FAILED_PRECONDITION
      expect((refused as ServiceError).details).toContain('CAMPAIGN_GUARD_TRIPPED');
    } finally {
      client.close();
    }
    expect((await read(campaignId)).status).toBe('paused');

    const resumed = await httpJson<CampaignView>(
      'POST',
      `${campaignUrl}/${campaignId}/resume`,
      { resetWindow: true },
      headers,
    );
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({
      status: 'sending',
      pauseReason: null,
      guard: { attempts: 0, hardBounced: 0 },
    });

    await render.waitFor(ofCampaign(campaignId), RECIPIENTS, 60000, 'every recipient’s request');
    const sent = await eventually(
      async () => {
        const c = await read(campaignId);
        return c.status === 'sent' ? c : undefined;
      },
      30000,
      'the resumed campaign sent',
    );
    expect(sent.recipientsQueued).toBe(RECIPIENTS);
    const ids = render.seen(ofCampaign(campaignId)).map((r) => requestOf(r).requestId);
    expect(new Set(ids).size).toBe(RECIPIENTS);
    expect(ids.length).toBe(RECIPIENTS);
  });

  it('pauses a sending campaign at an operator’s request, produces nothing more, and resumes it', async () => {
    const size = 200;
    const campaignId = await launch(await listOf('operator', size));
    await render.waitFor(ofCampaign(campaignId), 10, 30000, 'the first requests');
    const paused = await httpJson<CampaignView>(
      'POST',
      `${campaignUrl}/${campaignId}/pause`,
      {},
      headers,
    );
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'paused', pauseReason: 'operator' });
    const queuedAtPause = paused.body.recipientsQueued;
    expect(queuedAtPause).toBeLessThan(size);

    // As with the guard: a later campaign gets its requests out while the paused one stays put.
    const sentinel = await launch(await listOf('operator-sentinel', 40));
    await render.waitFor(ofCampaign(sentinel), 40, 30000, 'the later campaign’s requests');
    await render.waitFor(ofCampaign(campaignId), queuedAtPause, 30000, 'requests before the pause');
    expect(render.seen(ofCampaign(campaignId)).length).toBe(queuedAtPause);

    // Only a sending campaign can be paused: 409 over REST, FAILED_PRECONDITION over gRPC.
    const again = await httpJson<{ code: string }>(
      'POST',
      `${campaignUrl}/${campaignId}/pause`,
      {},
      headers,
    );
    expect([again.status, again.body.code]).toEqual([409, 'CAMPAIGN_NOT_SENDING']);
    const client = createGrpcClient(campaignV1.CampaignServiceClient, grpcAddress);
    try {
      const refused = await unary(client.pauseCampaign.bind(client), {
        tenantId: tenant,
        campaignId,
      }).catch((e: ServiceError) => e);
      expect(refused).toMatchObject({ code: 9 });
      expect((refused as ServiceError).details).toContain('CAMPAIGN_NOT_SENDING');
    } finally {
      client.close();
    }

    const resumed = await httpJson<CampaignView>(
      'POST',
      `${campaignUrl}/${campaignId}/resume`,
      {},
      headers,
    );
    expect([resumed.status, resumed.body.status, resumed.body.pauseReason]).toEqual([
      200,
      'sending',
      null,
    ]);
    await render.waitFor(ofCampaign(campaignId), size, 60000, 'every recipient’s request');
    await eventually(
      async () => ((await read(campaignId)).status === 'sent' ? true : undefined),
      30000,
      'the resumed campaign sent',
    );
    const ids = render.seen(ofCampaign(campaignId)).map((r) => requestOf(r).requestId);
    expect([ids.length, new Set(ids).size]).toEqual([size, size]);
  });

  it('refuses to resume a campaign the guard did not pause, and bad guard limits', async () => {
    const listId = await listOf('refusals', 1);
    const campaignId = await launch(listId);
    const notPaused = await httpJson<{ code: string }>(
      'POST',
      `${campaignUrl}/${campaignId}/resume`,
      { resetWindow: true },
      headers,
    );
    expect([notPaused.status, notPaused.body.code]).toEqual([409, 'CAMPAIGN_NOT_PAUSED']);

    const badResume = await httpJson<{ message: string[] }>(
      'POST',
      `${campaignUrl}/${campaignId}/resume`,
      { guard: { maxHardBounceBasisPoints: 20000, surprise: 1 } },
      headers,
    );
    expect(badResume.status).toBe(400);
    expect(badResume.body.message).toEqual(
      expect.arrayContaining([
        'guard.maxHardBounceBasisPoints must not be greater than 10000',
        'guard.property surprise should not exist',
      ]),
    );

    const badCreate = await httpJson<{ message: string[] }>(
      'POST',
      campaignUrl,
      {
        name: 'bad guard',
        listId,
        subject: 's',
        html: '<p>x</p>',
        fromAddress: 'news@sender.test',
        guard: { minAttempts: 0, maxComplaintBasisPoints: 1.5 },
      },
      headers,
    );
    expect(badCreate.status).toBe(400);
    expect(badCreate.body.message).toEqual(
      expect.arrayContaining([
        'guard.minAttempts must not be less than 1',
        'guard.maxComplaintBasisPoints must be an integer number',
      ]),
    );
  });
});
