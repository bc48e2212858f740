// Consumer of mail.render.v1 (group postline-render): renders each request and
// produces the batch's messages to mail.outbound.v1 in one durable send before
// the batch's offsets are committed. A request that can never render goes to
// the dead-letter topic with its reason; a store or Kafka outage fails the batch.
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { events } from '@postline/contracts';
import { LOGGER } from '@postline/platform/http';
import {
  encodePayload,
  KafkaRuntime,
  PayloadDecodeError,
  PermanentRecordError,
  Topics,
  type ConsumedRecord,
  type OutgoingRecord,
} from '@postline/platform/kafka';
import {
  isRenderError,
  RenderError,
  renderMessage,
  type RenderedMessage,
} from '@postline/render/domain';
import type { Logger } from 'pino';
import { RENDER_SETTINGS, type RenderFeatureSettings } from './render-feature.settings';
import { RenderMetrics, type RenderFailureReason } from './render.metrics';
import {
  decodeRenderRequest,
  tenantOf,
  toMessageInput,
  toOutboundMessage,
  validateRenderRequest,
  type ValidRenderRequest,
} from './render-request.mapper';
import { TemplateCatalog } from './template-catalog.service';

/**
 * The broker refuses a record batch over message.max.bytes (1048588 by default) and
 * the producer sends uncompressed, so one send of a whole batch of ~30 KB messages
 * would fail forever. Sends are cut to this many bytes; a single message larger
 * than MAX_OUTBOUND_RECORD_BYTES can never be produced and is dead-lettered.
 */
export const PRODUCE_CHUNK_BYTES = 512 * 1024;
export const MAX_OUTBOUND_RECORD_BYTES = 1_000_000;

/**
 * Groups records, in order, into sends of at most `limit` value and key bytes
 * (a record over the limit goes alone). A full chunk is queued for sending at
 * once, so its acknowledgement overlaps the rendering of the next records, but
 * sends run one after another as before: kafkajs' idempotent producer is not
 * safe with concurrent sends, and a failed send stops the ones queued after it.
 */
export class ChunkedSender {
  private chunk: OutgoingRecord[] = [];
  private bytes = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (chunk: OutgoingRecord[]) => Promise<void>,
    private readonly limit = PRODUCE_CHUNK_BYTES,
  ) {}

  add(record: OutgoingRecord): void {
    const size = record.value.length + record.key.length;
    if (this.bytes + size > this.limit && this.chunk.length > 0) this.flush();
    this.chunk.push(record);
    this.bytes += size;
  }

  /** Sends the rest; resolves once every chunk is durable, or rejects with the first failure. */
  async finish(): Promise<void> {
    this.flush();
    await this.tail;
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    const chunk = this.chunk;
    this.tail = this.tail.then(() => this.send(chunk));
    // Observed now, so a failure while later records render is not an unhandled rejection.
    this.tail.catch(() => undefined);
    this.chunk = [];
    this.bytes = 0;
  }
}

type Outcome =
  | { ok: true; record: OutgoingRecord; seconds: number }
  | { ok: false; error: Error; reason: RenderFailureReason; seconds: number };

@Injectable()
export class RenderRequestConsumer implements OnApplicationBootstrap {
  private readonly log: Logger;

  constructor(
    @Inject(KafkaRuntime) private readonly kafka: KafkaRuntime,
    @Inject(TemplateCatalog) private readonly catalog: TemplateCatalog,
    @Inject(RenderMetrics) private readonly metrics: RenderMetrics,
    @Inject(RENDER_SETTINGS) private readonly settings: RenderFeatureSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'render-consumer' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.runConsumer({
      groupId: this.settings.consumerGroup,
      topics: [Topics.render],
      handle: (records) => this.handleBatch(records),
    });
  }

  /** Renders a batch; resolves only after every rendered message is durably produced. */
  async handleBatch(records: ConsumedRecord[]): Promise<Array<Error | undefined>> {
    const outcomes: Outcome[] = [];
    const sender = new ChunkedSender((chunk) => this.kafka.producer.send(Topics.outbound, chunk));
    // Rendering is CPU-bound and sequential; each full chunk is sent as soon as it
    // is rendered, so the broker's acknowledgement overlaps the next renders.
    for (const record of records) {
      const outcome = await this.handleRecord(record);
      outcomes.push(outcome);
      if (outcome.ok) sender.add(outcome.record);
    }
    // Offsets are committed only after every chunk is durable; any failed send fails the batch.
    await sender.finish();
    // Counted only once the batch is final, so a retried batch is not counted twice.
    for (const o of outcomes) {
      if (o.ok) this.metrics.rendered(o.seconds);
      else this.metrics.failed(o.reason, o.seconds);
    }
    return outcomes.map((o) => (o.ok ? undefined : o.error));
  }

  private async handleRecord({ topic, message }: ConsumedRecord): Promise<Outcome> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let request: events.RenderRequest | undefined;
    try {
      request = decodeRenderRequest(topic, message.value);
      const outbound = await this.render(validateRenderRequest(request));
      const record = {
        key: outbound.routingKey,
        value: encodePayload(events.OutboundMessage, outbound),
      };
      if (record.value.length > MAX_OUTBOUND_RECORD_BYTES) {
        throw new RenderError(
          'RENDER_OUTPUT_TOO_LARGE',
          `message of ${record.value.length} bytes exceeds the ${MAX_OUTBOUND_RECORD_BYTES}-byte record limit`,
        );
      }
      return { ok: true, record, seconds: seconds() };
    } catch (e) {
      if (e instanceof PayloadDecodeError) {
        return { ok: false, error: e, reason: 'PAYLOAD_UNDECODABLE', seconds: seconds() };
      }
      // Anything else is transient (template store, Kafka): fail the batch, it is re-delivered.
      if (!isRenderError(e)) throw e;
      this.log.warn(
        {
          event: 'render_failed',
          requestId: request?.requestId,
          campaignId: request?.campaignId,
          code: e.code,
        },
        'render request dead-lettered',
      );
      return {
        ok: false,
        error: new PermanentRecordError(`${e.code}: ${e.message}`),
        reason: e.code,
        seconds: seconds(),
      };
    }
  }

  private async render(req: ValidRenderRequest): Promise<events.OutboundMessage> {
    const now = new Date();
    const { compiled } = await this.catalog.load(
      tenantOf(req),
      req.template.templateId,
      req.template.version,
    );
    let rendered: RenderedMessage;
    try {
      rendered = await renderMessage(
        compiled,
        toMessageInput(req, now, this.settings.compliance, this.settings.tracking),
      );
    } catch (e) {
      // Rendering is pure: the same request fails the same way every time, so it is permanent.
      if (isRenderError(e)) throw e;
      throw new RenderError('RENDER_FAILED', (e as Error).message);
    }
    this.log.debug(
      { event: 'rendered', requestId: req.requestId, messageId: rendered.messageId },
      'rendered',
    );
    return toOutboundMessage(req, rendered, now);
  }
}
