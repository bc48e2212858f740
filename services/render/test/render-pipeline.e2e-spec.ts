// Scenario: a campaign's render requests on mail.render.v1 become personalised
// OutboundMessages on mail.outbound.v1, keyed by routing key; the one request
// that pins a missing template version is dead-lettered with its reason while
// the rest of its batch is delivered; each campaign's tracking choice is applied
// within the service's own setting. Real render process, Kafka and FerretDB.
import { events, renderV1 } from '@postline/contracts';
import { createGrpcClient, unary } from '@postline/platform/grpc';
import { createLogger } from '@postline/platform/logging';
import { createKafka, deadLetterTopic, encodePayload, Topics } from '@postline/platform/kafka';
import {
  TopicTap,
  infra,
  startService,
  type ServiceProcess,
  type TappedRecord,
} from '@postline/platform/testing';
import { createHash, randomUUID } from 'node:crypto';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { simpleParser } from 'mailparser';
import { verifyReturnPath, verifyToken } from '@postline/render/domain';

const run = randomUUID().slice(0, 8);
const tenantId = `e2e-pipeline-${run}`;
const campaignId = `camp-${run}`;
const secret = `e2e-secret-${run}`;
const trackingBase = 'https://track.sender.test';
const sha32 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

const recipients: events.Recipient[] = [
  {
    subscriberId: 's1',
    email: 'ada@Example.TEST',
    name: 'Ada Lovelace',
    attributes: { first_name: 'Ada', plan: 'pro', motto: '<b>bold</b>' },
  },
  {
    subscriberId: 's2',
    email: 'grace@navy.test',
    name: 'Grace Hopper',
    attributes: { first_name: 'Grace', plan: 'team' },
  },
  { subscriberId: 's3', email: 'linus@example.test', name: '', attributes: { plan: 'free' } },
  {
    subscriberId: 's4',
    email: 'zoe@bücher.example',
    name: 'Zoë',
    attributes: { first_name: 'Zoë', plan: 'pro' },
  },
];
const expectedRoutingKey: Record<string, string> = {
  s1: 'example.test',
  s2: 'navy.test',
  s3: 'example.test',
  s4: 'xn--bcher-kva.example',
};

function renderRequest(
  recipient: events.Recipient,
  version: number,
  over: Partial<events.RenderRequest> = {},
): events.RenderRequest {
  return events.RenderRequest.fromPartial({
    requestId: `${campaignId}:${recipient.subscriberId}`,
    tenantId,
    campaignId,
    variantId: 'A',
    template: { templateId: 'welcome', version },
    recipient,
    fromAddress: 'news@sender.test',
    fromName: 'Sender News',
    pool: 'marketing',
    requestedAt: new Date(),
    ...over,
  });
}

const decodeOutbound = (r: TappedRecord) => events.OutboundMessage.decode(r.message.value!);
const mimeOf = (r: TappedRecord) => Buffer.from(decodeOutbound(r).rawMime).toString('utf8');
const htmlOf = async (r: TappedRecord) =>
  (await simpleParser(Buffer.from(decodeOutbound(r).rawMime))).html as string;

/** The contract of one OutboundMessage (docs/pipeline-contract.md) for its render request. */
function expectOutbound(req: events.RenderRequest, record: TappedRecord): void {
  const msg = decodeOutbound(record);
  const routingKey = expectedRoutingKey[req.recipient!.subscriberId];
  expect(record.message.key?.toString()).toBe(routingKey);
  expect(msg).toMatchObject({
    messageId: sha32(req.requestId),
    tenantId,
    routingKey,
    envelope: { rcptTo: [req.recipient!.email] },
    attempt: 1,
    pool: 'marketing',
    source: events.MessageSource.MESSAGE_SOURCE_CAMPAIGN,
    campaignId,
    variantId: 'A',
  });
  expect(msg.firstAttemptAt).toBeInstanceOf(Date);
  const mime = mimeOf(record);
  expect(mime).toContain(`Message-ID: <${sha32(req.requestId)}@sender.test>`);
  expect(mime).toContain('From: Sender News <news@sender.test>');
  expect(mime).toContain('Content-Type: multipart/alternative');
  expectCompliance(req, msg.envelope!.mailFrom, mime);
}

/** RFC 8058 one-click unsubscribe, List-Id, Feedback-ID and the signed VERP return path. */
function expectCompliance(req: events.RenderRequest, mailFrom: string, mime: string): void {
  const messageId = sha32(req.requestId);
  const [local, domain] = mailFrom.split('@');
  expect(domain).toBe('bounces.sender.test');
  expect(verifyReturnPath(local, secret)).toBe(messageId);
  const unsub =
    /^List-Unsubscribe: <https:\/\/track\.sender\.test\/u\/([^>]+)>,\r\n <mailto:u\+/m.exec(mime);
  expect(unsub).not.toBeNull();
  expect(verifyToken('unsubscribe', unsub![1], secret)).toEqual({
    tenant: tenantId,
    subscriber: req.recipient!.subscriberId,
    campaign: campaignId,
    message: messageId,
  });
  expect(mime).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
  expect(mime).toContain(`List-Id: <${campaignId}.${tenantId}.sender.test>\r\n`);
  expect(mime).toContain(`Feedback-ID: ${campaignId}:${tenantId}:marketing:postline\r\n`);
}

describe('render pipeline: mail.render.v1 to mail.outbound.v1', () => {
  let render: ServiceProcess;
  let kafka: Kafka;
  let producer: Producer;
  let outbound: TopicTap;
  let deadLetters: TopicTap;
  let client: renderV1.RenderServiceClient;

  beforeAll(async () => {
    render = await startService('render', {
      POSTLINE_LOG_LEVEL: 'warn',
      POSTLINE_RENDER_SIGNING_SECRET: secret,
      POSTLINE_TRACKING_BASE_URL: trackingBase,
      POSTLINE_RENDER_BOUNCE_DOMAIN: 'bounces.sender.test',
      POSTLINE_RENDER_TRACKING: 'true',
    });
    client = createGrpcClient(renderV1.RenderServiceClient, render.grpcAddress);
    const logger = createLogger({ service: 'render_e2e', level: 'warn' });
    kafka = createKafka({
      brokers: infra.kafkaBrokers.split(','),
      clientId: `render-e2e-${run}`,
      logger,
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // The service created the topics on boot, so the taps can read their end offsets.
    outbound = await TopicTap.open(kafka, Topics.outbound);
    deadLetters = await TopicTap.open(kafka, deadLetterTopic(Topics.render));
  });

  afterAll(async () => {
    client?.close();
    await Promise.all([producer?.disconnect(), outbound?.close(), deadLetters?.close()]);
    if (render) expect(await render.stop()).toBe(0);
  });

  it('renders each request into a personalised OutboundMessage and dead-letters the missing template', async () => {
    const put = await unary(client.putTemplate.bind(client), {
      tenantId,
      templateId: 'welcome',
      name: 'Welcome',
      subject: 'Welcome, {{default first_name "friend"}}!',
      html: '<p>Hello {{default first_name "friend"}}, you are on {{plan}}.</p><p>{{motto}}</p>',
      text: '',
    });
    expect(put.template).toEqual({ templateId: 'welcome', version: 1 });

    const good = recipients.map((r) => renderRequest(r, 1));
    const missing = renderRequest(
      { subscriberId: 's-missing', email: 'missing@example.test', name: '', attributes: {} },
      99,
    );
    // One partition, so the failing request shares a batch with the good ones.
    await producer.send({
      topic: Topics.render,
      messages: [good[0], good[1], missing, good[2], good[3]].map((r) => ({
        key: r.requestId,
        value: encodePayload(events.RenderRequest, r),
        partition: 0,
      })),
    });

    const ours = (r: TappedRecord) => decodeOutbound(r).tenantId === tenantId;
    const records = await outbound.waitFor(ours, good.length, 60000, 'outbound messages');
    const bySubscriber = new Map(records.map((r) => [decodeOutbound(r).subscriberId, r]));
    expect([...bySubscriber.keys()].sort()).toEqual(['s1', 's2', 's3', 's4']);

    for (const req of good) expectOutbound(req, bySubscriber.get(req.recipient!.subscriberId)!);

    const ada = mimeOf(bySubscriber.get('s1')!);
    expect(ada).toContain('Subject: Welcome, Ada!');
    expect(ada).toContain('To: Ada Lovelace <ada@example.test>');
    const adaHtml = await htmlOf(bySubscriber.get('s1')!);
    expect(adaHtml).toContain('<p>Hello Ada, you are on pro.</p><p>&lt;b&gt;bold&lt;/b&gt;</p>');
    // These requests carry no tracking choice, so the service setting (on) applies.
    expect(adaHtml).toMatch(/<img src="https:\/\/track\.sender\.test\/o\//);
    const linus = mimeOf(bySubscriber.get('s3')!);
    expect(linus).toContain('Subject: Welcome, friend!');
    expect(await htmlOf(bySubscriber.get('s3')!)).toContain('Hello friend, you are on free.');

    const dead = await deadLetters.waitFor(
      (r) => r.message.key?.toString() === missing.requestId,
      1,
      60000,
      'dead-lettered render request',
    );
    expect(dead[0].message.headers?.['x-postline-dlq-reason']?.toString()).toMatch(
      /^TEMPLATE_NOT_FOUND: template welcome version 99/,
    );
    expect(events.RenderRequest.decode(dead[0].message.value!).requestId).toBe(missing.requestId);
    expect(
      outbound.seen((r) => decodeOutbound(r).subscriberId === 's-missing' && ours(r)),
    ).toHaveLength(0);

    // Other render processes may share the postline-render group and take these
    // partitions, so only the series are asserted here; counts are pinned by the
    // consumer's unit spec.
    const metrics = await (await fetch(`${render.httpUrl}/metrics`)).text();
    expect(metrics).toContain('postline_render_messages_total{result="rendered"}');
    expect(metrics).toContain('postline_render_failures_total{reason="TEMPLATE_NOT_FOUND"}');
    expect(metrics).toContain('postline_render_duration_seconds_bucket');
  });

  it('dead-letters a runaway template and bad merge data with their reasons, producing nothing for them', async () => {
    const put = await unary(client.putTemplate.bind(client), {
      tenantId,
      templateId: 'loops',
      name: 'Loops',
      subject: 'Loops',
      html: '{{#each a}}{{#each ../a}}{{#each ../../a}}{{#each ../../../a}}.{{/each}}{{/each}}{{/each}}{{/each}}',
      text: '',
    });
    const bad = (
      id: string,
      attributes: Record<string, unknown>,
      template = { templateId: 'welcome', version: 1 },
    ) =>
      renderRequest({ subscriberId: id, email: `${id}@example.test`, name: '', attributes }, 1, {
        template,
      });
    const cases: Array<[events.RenderRequest, RegExp]> = [
      [
        bad('bad-loop', { a: Array.from({ length: 1000 }, (_, i) => i) }, put.template!),
        /^RENDER_LIMIT_EXCEEDED: html: more than \d+ block iterations/,
      ],
      [
        bad('bad-nul', { first_name: 'Ada\0' }),
        /^MERGE_DATA_INVALID: merge value "first_name" contains NUL/,
      ],
      [
        bad('bad-huge', { motto: 'x'.repeat(40000) }),
        /^MERGE_DATA_INVALID: merge value "motto" is 40000 bytes/,
      ],
    ];
    await producer.send({
      topic: Topics.render,
      messages: cases.map(([r]) => ({
        key: r.requestId,
        value: encodePayload(events.RenderRequest, r),
      })),
    });
    const keys = new Set(cases.map(([r]) => r.requestId));
    const dead = await deadLetters.waitFor(
      (r) => keys.has(r.message.key?.toString() ?? ''),
      cases.length,
      60000,
      'dead-lettered bad requests',
    );
    for (const [req, reason] of cases) {
      const record = dead.find((r) => r.message.key?.toString() === req.requestId)!;
      expect(record.message.headers?.['x-postline-dlq-reason']?.toString()).toMatch(reason);
    }
    expect(
      outbound.seen(
        (r) =>
          decodeOutbound(r).tenantId === tenantId &&
          decodeOutbound(r).subscriberId.startsWith('bad-'),
      ),
    ).toHaveLength(0);
  });

  it("applies each campaign's tracking choice: clicks only, or nothing", async () => {
    const put = await unary(client.putTemplate.bind(client), {
      tenantId,
      templateId: 'tracked',
      name: 'Tracked',
      subject: 'Offer',
      html: '<html><body><a href="https://shop.sender.test/offer">Shop</a></body></html>',
      text: '',
    });
    const template = put.template!;
    const person = (id: string) => ({
      subscriberId: id,
      email: `${id}@example.test`,
      name: '',
      attributes: {},
    });
    const clicksOnly = renderRequest(person('t-clicks'), 1, {
      template,
      tracking: { clicks: true, opens: false },
    });
    const none = renderRequest(person('t-none'), 1, {
      template,
      tracking: { clicks: false, opens: false },
    });
    await producer.send({
      topic: Topics.render,
      messages: [clicksOnly, none].map((r) => ({
        key: r.requestId,
        value: encodePayload(events.RenderRequest, r),
      })),
    });
    const wanted = new Set(['t-clicks', 't-none']);
    const records = await outbound.waitFor(
      (r) => decodeOutbound(r).tenantId === tenantId && wanted.has(decodeOutbound(r).subscriberId),
      2,
      60000,
      'tracked outbound messages',
    );
    const html = new Map<string, string>();
    for (const r of records) html.set(decodeOutbound(r).subscriberId, await htmlOf(r));

    const clicked = /href="https:\/\/track\.sender\.test\/c\/([^"]+)">Shop</.exec(
      html.get('t-clicks')!,
    );
    expect(verifyToken('click', clicked![1], secret).url).toBe('https://shop.sender.test/offer');
    expect(html.get('t-clicks')).not.toContain('/o/');
    expect(html.get('t-none')).toBe(
      '<html><body><a href="https://shop.sender.test/offer">Shop</a></body></html>',
    );
  });
});
