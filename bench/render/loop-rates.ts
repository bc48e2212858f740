// In-process rates of the render benchmark: the service's render loop (the
// mail.render consumer's batch handler, Kafka and store stubbed) on one core, and
// the bare handlebars + MailComposer baseline on the same template.
import { events } from '@postline/contracts';
import { encodePayload, Topics, type KafkaRuntime } from '@postline/platform/kafka';
import { createLogger } from '@postline/platform/logging';
import { createMetricsRegistry } from '@postline/platform/metrics';
import { compileTemplate, DEFAULT_MJML_LIMITS } from '@postline/render/domain';
import {
  RenderMetrics,
  RenderRequestConsumer,
  type RenderFeatureSettings,
  type TemplateCatalog,
} from '@postline/render/feature';
import Handlebars from 'handlebars';
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { benchAttributes, benchTemplate } from './template.fixture';

const run = randomUUID().slice(0, 8);
export const tenantId = `bench-${run}`;
/** Recipient domain of this run, so the run's outbound records are told apart by key. */
export const domain = `bench-${run}.test`;
const LOOP_SECONDS = Number(process.env.BENCH_LOOP_SECONDS ?? 5);
const BATCH = 100;
export const secret = 'bench-secret';
export const settings: RenderFeatureSettings = {
  consumerGroup: 'bench',
  templateCacheSize: 10,
  maxPartBytes: 2 << 20,
  mjml: DEFAULT_MJML_LIMITS,
  compliance: {
    signingSecret: secret,
    trackingBaseUrl: 'https://track.sender.test',
    bounceDomain: 'bounces.sender.test',
    unsubscribeMailtoDomain: '',
  },
  tracking: true,
};

export function request(i: number): events.RenderRequest {
  return events.RenderRequest.fromPartial({
    requestId: `camp-${run}:s${i}`,
    tenantId,
    campaignId: `camp-${run}`,
    variantId: 'A',
    template: { templateId: 'bench', version: 1 },
    recipient: {
      subscriberId: `s${i}`,
      email: `user${i}@${domain}`,
      name: `Ada Lovelace ${i}`,
      attributes: benchAttributes(i),
    },
    fromAddress: 'news@sender.test',
    fromName: 'Sender News',
    pool: 'bulk',
    requestedAt: new Date(),
  });
}

/** Runs `step` (which handles `per` messages) for about `seconds`; returns messages/s. */
async function rate(seconds: number, per: number, step: (i: number) => Promise<void>) {
  for (let i = 0; i < 20; i++) await step(i); // warm-up: JIT, caches
  const start = process.hrtime.bigint();
  let done = 0;
  let i = 20;
  while (Number(process.hrtime.bigint() - start) / 1e9 < seconds) {
    await step(i++);
    done += per;
  }
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** The consumer's handleBatch with Kafka and the template store stubbed out. */
export async function loopRate(): Promise<number> {
  const compiled = compileTemplate(benchTemplate());
  const catalog = { load: async () => ({ record: {}, compiled }) } as unknown as TemplateCatalog;
  const kafka = { producer: { send: async () => undefined } } as unknown as KafkaRuntime;
  const metrics = new RenderMetrics(createMetricsRegistry('render'));
  const logger = createLogger({ service: 'render_bench', level: 'silent' });
  const consumer = new RenderRequestConsumer(kafka, catalog, metrics, settings, logger);
  const batches = Array.from({ length: 10 }, (_, b) =>
    Array.from({ length: BATCH }, (_, j) => ({
      topic: Topics.render,
      partition: 0,
      message: {
        key: null,
        value: encodePayload(events.RenderRequest, request(b * BATCH + j)),
        offset: String(j),
        timestamp: '0',
        attributes: 0,
        headers: {},
      },
    })),
  );
  return rate(LOOP_SECONDS, BATCH, async (i) => {
    const errors = await consumer.handleBatch(batches[i % batches.length]);
    if (errors.some(Boolean)) throw errors.find(Boolean);
  });
}

/** Handlebars + MailComposer on the same template, nothing else. */
export async function baselineRate(): Promise<number> {
  const source = benchTemplate();
  const subject = Handlebars.compile(source.subject, { noEscape: true });
  const html = Handlebars.compile(source.html);
  return rate(LOOP_SECONDS, 1, async (i) => {
    const data = { ...benchAttributes(i), email: `user${i}@${domain}` };
    await new MailComposer({
      from: { name: 'Sender News', address: 'news@sender.test' },
      to: { name: `Ada Lovelace ${i}`, address: data.email },
      subject: subject(data),
      html: html(data),
    })
      .compile()
      .build();
  });
}
