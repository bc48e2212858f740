// The whole pipeline as separate processes against real Kafka, FerretDB and
// Mailpit: list → campaign → mail.render → render → mail.outbound → mta → SMTP
// sink, and mail.events back to campaign stats.
import { randomBytes } from 'node:crypto';
import {
  MailpitClient,
  eventually,
  httpJson,
  startPlatform,
  type RunningPlatform,
} from '@postline/platform/testing';

const RECIPIENTS = 200;

describe('a 200-recipient campaign through every service', () => {
  let platform: RunningPlatform;
  const runId = randomBytes(4).toString('hex');
  const tenant = `e2e-${runId}`;
  const domain = `skeleton-${runId}.test`;
  const headers = { 'x-postline-tenant': tenant };
  const mailpit = new MailpitClient();

  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('delivers one personalised message to each subscriber and counts 200 delivered', async () => {
    const { list, campaign } = platform.services;
    const created = await httpJson<{ id: string }>(
      'POST',
      `${list.httpUrl}/v1/lists`,
      { name: 'skeleton' },
      headers,
    );
    expect(created.status).toBe(201);
    const listId = created.body.id;

    const subscribers = Array.from({ length: RECIPIENTS }, (_, i) => ({
      email: `sub-${i}@${domain}`,
      name: `Subscriber ${i}`,
      attributes: { first_name: `Ada${i}`, plan: i % 2 === 0 ? 'pro' : 'free' },
    }));
    const bulk = await httpJson<{ created: number; failed: number }>(
      'POST',
      `${list.httpUrl}/v1/lists/${listId}/subscribers/bulk`,
      { subscribers },
      headers,
    );
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ created: RECIPIENTS, failed: 0 });

    const draft = await httpJson<{ id: string; status: string }>(
      'POST',
      `${campaign.httpUrl}/v1/campaigns`,
      {
        name: `skeleton ${runId}`,
        listId,
        subject: `Hello {{first_name}} [${runId}]`,
        html: '<p>Hi {{first_name}}, you are on the {{plan}} plan. This went to {{email}}.</p>',
        fromAddress: 'news@postline.test',
        fromName: 'Postline News',
        sendRatePerSecond: 1000,
      },
      headers,
    );
    expect(draft.status).toBe(201);
    expect(draft.body.status).toBe('draft');

    const launched = await httpJson<{ status: string }>(
      'POST',
      `${campaign.httpUrl}/v1/campaigns/${draft.body.id}/launch`,
      undefined,
      headers,
    );
    expect(launched.status).toBe(202);
    expect(launched.body.status).toBe('sending');

    const statsUrl = `${campaign.httpUrl}/v1/campaigns/${draft.body.id}/stats`;
    const stats = await eventually(
      async () => {
        const s = await httpJson<{
          delivered: number;
          queued: number;
          bounced: number;
          status: string;
        }>('GET', statsUrl, undefined, headers);
        return s.body.delivered >= RECIPIENTS ? s.body : undefined;
      },
      180000,
      `${RECIPIENTS} delivered in campaign stats`,
    );
    expect(stats).toMatchObject({
      delivered: RECIPIENTS,
      queued: RECIPIENTS,
      bounced: 0,
      status: 'sent',
    });

    const received = await eventually(
      async () => {
        const r = await mailpit.search(`to:"${domain}"`);
        return r.total >= RECIPIENTS ? r : undefined;
      },
      30000,
      `${RECIPIENTS} messages in Mailpit`,
    );
    expect(received.total).toBe(RECIPIENTS);

    const seen = new Set<string>();
    for (const summary of received.messages) {
      expect(summary.To).toHaveLength(1);
      const address = summary.To[0].Address;
      const index = Number(/^sub-(\d+)@/.exec(address)?.[1]);
      expect(seen.has(address)).toBe(false);
      seen.add(address);
      expect(summary.Subject).toBe(`Hello Ada${index} [${runId}]`);
      const full = await mailpit.message(summary.ID);
      expect(full.HTML).toContain(
        `Hi Ada${index}, you are on the ${index % 2 === 0 ? 'pro' : 'free'} plan. This went to ${address}.`,
      );
      expect(full.From.Address).toBe('news@postline.test');
    }
    expect(seen.size).toBe(RECIPIENTS);
  });
});
