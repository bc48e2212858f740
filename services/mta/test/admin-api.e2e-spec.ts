// Scenario: an operator drives a running MTA over its admin REST API —
// suspends a domain (its mail stays queued and the queue summary shows it),
// resumes it (the mail goes out), bounces a suspended domain's queue (every
// message gets a BOUNCED event with 550 5.0.0), and overrides a policy at
// runtime (a bad override is refused naming the field; a good one is listed).
import { status } from '@grpc/grpc-js';
import { events, mtaV1 } from '@postline/contracts';
import { createGrpcClient, unary } from '@postline/platform/grpc';
import { ScriptedSmtpPeer } from '@postline/mta/testing';
import { eventually, httpJson } from '@postline/platform/testing';
import type { Kafka } from 'kafkajs';
import {
  EventTap,
  kafkaClient,
  outboundMessage,
  produceOutbound,
  runDomain,
  startCatchAllPeer,
  startMta,
  type RunningMta,
} from './support/mta-e2e';

const { DELIVERY_EVENT_TYPE_DELIVERED: DELIVERED, DELIVERY_EVENT_TYPE_BOUNCED: BOUNCED } =
  events.DeliveryEventType;

interface QueueView {
  destinations: Array<{ domain: string; ready: number; suspended: boolean; policy: string }>;
}

describe('mta admin API', () => {
  const held = runDomain();
  const doomed = runDomain();
  const heldMessages = [1, 2, 3].map((i) => outboundMessage(held, `u${i}@${held}`, 'held'));
  const doomedMessages = [1, 2].map((i) => outboundMessage(doomed, `u${i}@${doomed}`, 'doomed'));
  let catchAll: ScriptedSmtpPeer;
  let peer: ScriptedSmtpPeer;
  let mta: RunningMta;
  let kafka: Kafka;
  let tap: EventTap;
  const api = (path: string) => `${mta.service.httpUrl}/v1${path}`;

  beforeAll(async () => {
    catchAll = await startCatchAllPeer();
    peer = await ScriptedSmtpPeer.start({ name: 'mx.admin.mta-e2e.test' });
    mta = await startMta(
      `*=127.0.0.1:${catchAll.port},${held}=127.0.0.1:${peer.port},${doomed}=127.0.0.1:${peer.port}`,
      { POSTLINE_MTA_CONTROL_SYNC_MS: '500' },
    );
    kafka = kafkaClient();
    tap = await EventTap.start(
      kafka,
      new Set([...heldMessages, ...doomedMessages].map((m) => m.messageId)),
    );
  });

  afterAll(async () => {
    await tap?.stop();
    await mta?.service.stop();
    await Promise.all([catchAll?.close(), peer?.close()]);
  });

  it('holds a suspended domain queued, shows it, and delivers it once resumed', async () => {
    const suspend = await httpJson('POST', api('/suspensions'), { target: held, reason: 'e2e' });
    expect(suspend).toMatchObject({ status: 201, body: { suspended: held } });
    await produceOutbound(kafka, heldMessages);
    const view = await eventually(
      async () => {
        const { body } = await httpJson<QueueView>('GET', api(`/queues/${held}`));
        const d = body.destinations[0];
        return d?.ready === 3 ? d : undefined;
      },
      30_000,
      'the held messages in the queue summary',
    );
    expect(view).toMatchObject({ domain: held, ready: 3, suspended: true, policy: 'default' });
    expect(peer.transactions.filter((t) => t.rcptTo[0].endsWith(held))).toEqual([]);

    expect((await httpJson('DELETE', api(`/suspensions/${held}`))).status).toBe(204);
    await tap.waitFor(
      (seen) => (seen.filter((e) => e.type === DELIVERED).length === 3 ? true : undefined),
      'the held messages delivered after resume',
    );
    expect((await httpJson('DELETE', api(`/suspensions/${held}`))).status).toBe(404);
  });

  it('bounces everything queued for a domain with 550 5.0.0', async () => {
    await httpJson('POST', api('/suspensions'), { target: doomed });
    await produceOutbound(kafka, doomedMessages);
    await eventually(
      async () => {
        const { body } = await httpJson<QueueView>('GET', api(`/queues/${doomed}`));
        return body.destinations[0]?.ready === 2 ? true : undefined;
      },
      30_000,
      'the doomed messages queued',
    );
    const res = await httpJson('POST', api(`/queues/${doomed}/bounce`));
    expect(res).toMatchObject({ status: 200, body: { domain: doomed, bounced: 2 } });
    const bounces = await tap.waitFor((seen) => {
      const b = seen.filter((e) => e.type === BOUNCED);
      return b.length === 2 ? b : undefined;
    }, 'two BOUNCED events');
    for (const b of bounces) expect(b.reply).toMatchObject({ code: 550, enhancedCode: '5.0.0' });
    expect(peer.transactions.filter((t) => t.rcptTo[0].endsWith(doomed))).toEqual([]);
  });

  it('refuses a bad policy override naming the field, and applies a good one', async () => {
    const bad = await httpJson('PUT', api('/policies/slowdown'), {
      match: { domains: [held] },
      retrySchedule: ['10x'],
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'MTA_POLICY_INVALID' } });
    expect(String(bad.body.message)).toMatch(/retrySchedule\[0\]: "10x" is not a duration/);
    expect((await httpJson('PUT', api('/policies/Bad Name!'), {})).status).toBe(400);

    const good = await httpJson('PUT', api('/policies/slowdown'), {
      match: { domains: [held] },
      messagesPerMinute: 60,
    });
    expect(good.status).toBe(200);
    const { body } = await httpJson<{ overrides: string[]; policies: Array<{ name: string }> }>(
      'GET',
      api('/policies'),
    );
    expect(body.overrides).toEqual(['slowdown']);
    expect(body.policies.map((p) => p.name)).toContain('slowdown');
    // A message for the domain, held by a suspension so the queue summary shows who governs it.
    await httpJson('POST', api('/suspensions'), { target: held });
    await produceOutbound(kafka, [outboundMessage(held, `late@${held}`, 'under override')]);
    const view = await eventually(
      async () => {
        const { body: q } = await httpJson<QueueView>('GET', api(`/queues/${held}`));
        return q.destinations[0]?.policy === 'slowdown' ? q.destinations[0] : undefined;
      },
      30_000,
      'the override to govern the domain',
    );
    expect(view).toMatchObject({ policy: 'slowdown', ready: 1, suspended: true });
    await httpJson('DELETE', api(`/suspensions/${held}`));
    expect((await httpJson('DELETE', api('/policies/slowdown'))).status).toBe(204);
    expect((await httpJson('DELETE', api('/policies/slowdown'))).status).toBe(404);
  });

  it('offers the same operations over gRPC (MtaAdminService), refusing a bad target', async () => {
    const client = createGrpcClient(mtaV1.MtaAdminServiceClient, mta.service.grpcAddress);
    try {
      const target = `grpc-${held}`;
      expect(
        await unary(client.suspendDestination.bind(client), { target, reason: 'e2e' }),
      ).toEqual({
        target,
      });
      const { body } = await httpJson<{ suspended: string[] }>('GET', api('/suspensions'));
      expect(body.suspended).toContain(target);
      expect(await unary(client.resumeDestination.bind(client), { target })).toEqual({
        wasSuspended: true,
      });
      await expect(
        unary(client.suspendDestination.bind(client), { target: 'not a domain!', reason: '' }),
      ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
      const queues = await unary(client.listQueues.bind(client), { domain: held });
      expect(queues.destinations.every((d) => d.domain === held)).toBe(true);
      expect(await unary(client.reloadPolicies.bind(client), {})).toEqual({ policies: [] });
    } finally {
      client.close();
    }
  });
});
