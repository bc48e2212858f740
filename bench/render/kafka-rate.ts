// Through-Kafka rate of the render benchmark: the real render service (built
// dist/, this run's infra) consumes mail.render.v1 and produces mail.outbound.v1;
// the rate is requests produced to last outbound record seen, after a warm-up.
import { events, renderV1 } from '@postline/contracts';
import { createGrpcClient, unary } from '@postline/platform/grpc';
import { createKafka, encodePayload, Topics } from '@postline/platform/kafka';
import { createLogger } from '@postline/platform/logging';
import { infra, startService } from '@postline/platform/testing';
import { Partitioners, type Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { domain, request, secret, settings, tenantId } from './loop-rates';
import { benchTemplate } from './template.fixture';

const TIMEOUT_MS = Number(process.env.BENCH_KAFKA_TIMEOUT_MS ?? 180000);

/** Counts this run's outbound records (keyed by the run's domain) from the topic's current end. */
async function outboundCounter(kafka: Kafka) {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(Topics.outbound);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `bench-tap-${randomUUID()}` });
  let count = 0;
  let waiter: { target: number; resolve: () => void } | undefined;
  await consumer.connect();
  await consumer.subscribe({ topics: [Topics.outbound], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() !== domain) return;
      count++;
      if (waiter && count >= waiter.target) waiter.resolve();
    },
  });
  for (const { partition, high } of ends) {
    consumer.seek({ topic: Topics.outbound, partition, offset: high });
  }
  /** Resolves once `target` records have arrived; rejects after `timeoutMs` with the count. */
  const reach = (target: number, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (count >= target) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`only ${count} of ${target} outbound records in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiter = { target, resolve: () => (clearTimeout(timer), resolve()) };
    });
  return { reach, close: () => consumer.disconnect() };
}

export async function kafkaRate(messages: number): Promise<number> {
  const render = await startService('render', {
    POSTLINE_LOG_LEVEL: 'warn',
    POSTLINE_RENDER_SIGNING_SECRET: secret,
    POSTLINE_TRACKING_BASE_URL: settings.compliance.trackingBaseUrl,
    POSTLINE_RENDER_BOUNCE_DOMAIN: settings.compliance.bounceDomain,
    POSTLINE_RENDER_TRACKING: String(settings.tracking),
  });
  const client = createGrpcClient(renderV1.RenderServiceClient, render.grpcAddress);
  const logger = createLogger({ service: 'render_bench', level: 'warn' });
  const kafka = createKafka({ brokers: infra.kafkaBrokers.split(','), clientId: 'bench', logger });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const counter = await outboundCounter(kafka);
  try {
    await unary(client.putTemplate.bind(client), {
      tenantId,
      templateId: 'bench',
      name: 'Bench',
      ...benchTemplate(),
    });
    await producer.connect();
    const send = async (from: number, to: number) => {
      for (let i = from; i < to; i += 500) {
        const batch = Array.from({ length: Math.min(500, to - i) }, (_, j) => request(i + j));
        await producer.send({
          topic: Topics.render,
          messages: batch.map((r) => ({
            key: r.requestId,
            value: encodePayload(events.RenderRequest, r),
          })),
        });
      }
    };
    const warmup = 1000;
    await send(0, warmup);
    await counter.reach(warmup, TIMEOUT_MS);
    const started = process.hrtime.bigint();
    await send(warmup, warmup + messages);
    await counter.reach(warmup + messages, TIMEOUT_MS);
    return messages / (Number(process.hrtime.bigint() - started) / 1e9);
  } catch (e) {
    process.stderr.write(`render service output:\n${render.output()}\n`);
    throw e;
  } finally {
    client.close();
    await Promise.all([producer.disconnect(), counter.close()]);
    await render.stop();
  }
}
