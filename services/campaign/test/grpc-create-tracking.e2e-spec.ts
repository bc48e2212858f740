// Scenario: a campaign created over gRPC chooses its click and open tracking as
// one created over REST does: fields left out mean "track", and the choice
// reaches render in every RenderRequest on mail.render. Real list, render and
// campaign processes, Kafka and FerretDB. MJML campaigns are created the same way.
import type { ServiceError } from '@grpc/grpc-js';
import { campaignV1, events } from '@postline/contracts';
import { createGrpcClient, unary } from '@postline/platform/grpc';
import { createLogger } from '@postline/platform/logging';
import { createKafka, Topics } from '@postline/platform/kafka';
import {
  httpJson,
  infra,
  startService,
  TopicTap,
  type ServiceProcess,
  type TappedRecord,
} from '@postline/platform/testing';
import { randomBytes } from 'node:crypto';

const runId = randomBytes(4).toString('hex');
const tenant = `grpc-track-${runId}`;
const requestOf = (r: TappedRecord) => events.RenderRequest.decode(r.message.value!);

describe('gRPC CreateCampaign tracking choice', () => {
  const started: ServiceProcess[] = [];
  let listUrl: string;
  let renderUrl: string;
  let client: campaignV1.CampaignServiceClient;
  let render: TopicTap;

  beforeAll(async () => {
    const common = { POSTLINE_LOG_LEVEL: 'warn' };
    const [list, renderService] = await Promise.all([
      startService('list', common),
      startService('render', common),
    ]);
    started.push(list, renderService);
    listUrl = list.httpUrl;
    renderUrl = renderService.httpUrl;
    const campaign = await startService('campaign', {
      ...common,
      POSTLINE_LIST_GRPC_ADDRESS: list.grpcAddress,
      POSTLINE_RENDER_GRPC_ADDRESS: renderService.grpcAddress,
    });
    started.push(campaign);
    client = createGrpcClient(campaignV1.CampaignServiceClient, campaign.grpcAddress);
    const kafka = createKafka({
      brokers: infra.kafkaBrokers.split(','),
      clientId: `grpc-track-e2e-${runId}`,
      logger: createLogger({ service: 'grpc_track_e2e', level: 'warn' }),
    });
    render = await TopicTap.open(kafka, Topics.render);
  });

  afterAll(async () => {
    client?.close();
    await render?.close();
    await Promise.all(started.map((p) => p.stop()));
  });

  async function oneRecipientList(name: string): Promise<string> {
    const headers = { 'x-postline-tenant': tenant };
    const list = await httpJson<{ id: string }>('POST', `${listUrl}/v1/lists`, { name }, headers);
    const sub = await httpJson(
      'POST',
      `${listUrl}/v1/lists/${list.body.id}/subscribers`,
      { email: `${name}@grpc-track-${runId}.test`, attributes: { first_name: 'Ada' } },
      headers,
    );
    expect(sub.status).toBe(201);
    return list.body.id;
  }

  const request = (listId: string, tracking: { trackClicks?: boolean; trackOpens?: boolean }) =>
    campaignV1.CreateCampaignRequest.fromPartial({
      tenantId: tenant,
      name: `grpc tracking ${runId}`,
      listId,
      subject: 'Hello {{first_name}}',
      html: '<p>Hi {{first_name}} <a href="https://shop.sender.test/">Shop</a></p>',
      fromAddress: 'news@sender.test',
      ...tracking,
    });

  /** Creates and launches over gRPC; resolves with the campaign and its one render request. */
  async function createAndLaunch(name: string, tracking: Parameters<typeof request>[1]) {
    const listId = await oneRecipientList(name);
    const { campaign } = await unary(client.createCampaign.bind(client), request(listId, tracking));
    await unary(client.launchCampaign.bind(client), {
      tenantId: tenant,
      campaignId: campaign!.campaignId,
    });
    const [record] = await render.waitFor(
      (r) => requestOf(r).campaignId === campaign!.campaignId,
      1,
      60000,
      `render request of ${name}`,
    );
    return { campaign: campaign!, renderRequest: requestOf(record) };
  }

  it('carries tracking.clicks=false to render for a campaign created with clicks off', async () => {
    const { campaign, renderRequest } = await createAndLaunch(`clicks-off-${runId}`, {
      trackClicks: false,
    });
    expect(campaign).toMatchObject({ trackClicks: false, trackOpens: true });
    expect(renderRequest.tracking).toEqual({ clicks: false, opens: true });
  });

  it('tracks both when the fields are left out, as REST does', async () => {
    const { campaign, renderRequest } = await createAndLaunch(`default-${runId}`, {});
    expect(campaign).toMatchObject({ trackClicks: true, trackOpens: true });
    expect(renderRequest.tracking).toEqual({ clicks: true, opens: true });
  });

  it('turns both off when both are false', async () => {
    const { renderRequest } = await createAndLaunch(`both-off-${runId}`, {
      trackClicks: false,
      trackOpens: false,
    });
    expect(renderRequest.tracking).toEqual({ clicks: false, opens: false });
  });

  it('creates a campaign from MJML: render compiles and stores it, and the campaign sends', async () => {
    const listId = await oneRecipientList(`mjml-${runId}`);
    const { campaign } = await unary(client.createCampaign.bind(client), {
      ...request(listId, {}),
      html: '',
      mjml:
        '<mjml><mj-body><mj-section><mj-column>' +
        '<mj-text>Hi {{first_name}}</mj-text>' +
        '</mj-column></mj-section></mj-body></mjml>',
    });
    await unary(client.launchCampaign.bind(client), {
      tenantId: tenant,
      campaignId: campaign!.campaignId,
    });
    const [record] = await render.waitFor(
      (r) => requestOf(r).campaignId === campaign!.campaignId,
      1,
      60000,
      'render request of the MJML campaign',
    );
    const ref = requestOf(record).template!;
    const stored = await httpJson<{ html: string; mjml: string }>(
      'GET',
      `${renderUrl}/v1/templates/${ref.templateId}/versions/${ref.version}`,
      undefined,
      { 'x-postline-tenant': tenant },
    );
    expect(stored.status).toBe(200);
    expect(stored.body.mjml).toContain('<mj-text>Hi {{first_name}}</mj-text>');
    expect(stored.body.html).toMatch(/<html[\s>]/);
    expect(stored.body.html).toContain('Hi {{first_name}}');
  });

  it('refuses html and mjml together, and broken MJML naming its line, with INVALID_ARGUMENT', async () => {
    const listId = await oneRecipientList(`mjml-bad-${runId}`);
    const both = await unary(client.createCampaign.bind(client), {
      ...request(listId, {}),
      mjml: '<mjml><mj-body></mj-body></mjml>',
    }).catch((e: ServiceError) => e);
    expect(both).toMatchObject({ code: 3 });
    expect((both as ServiceError).details).toMatch(/html and mjml are exclusive/);
    const broken = await unary(client.createCampaign.bind(client), {
      ...request(listId, {}),
      html: '',
      mjml: '<mjml><mj-body><mj-section><mj-buton>x</mj-buton></mj-section></mj-body></mjml>',
    }).catch((e: ServiceError) => e);
    expect(broken).toMatchObject({ code: 3 });
    expect((broken as ServiceError).details).toMatch(/line 1/);
  });

  it('refuses a request the REST rules refuse, with INVALID_ARGUMENT naming the field', async () => {
    const listId = await oneRecipientList(`bad-${runId}`);
    const refused = await unary(client.createCampaign.bind(client), {
      ...request(listId, { trackClicks: false }),
      subject: 'Hi\r\nBcc: victim@example.com',
    }).catch((e: ServiceError) => e);
    expect(refused).toMatchObject({ code: 3 }); // INVALID_ARGUMENT
    expect((refused as ServiceError).details).toContain('subject must not contain CR, LF or NUL');
  });
});
