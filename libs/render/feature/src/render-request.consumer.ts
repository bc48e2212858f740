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

/** Consecutive slices of `records` of at most `limit` value bytes each (always at least one). */
export function chunkByBytes(records: OutgoingRecord[], limit: number): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [[]];
  let bytes = 0;
  for (const r of records) {
    const size = r.value.length + r.key.length;
    if (bytes + size > limit && chunks[chunks.length - 1].length > 0) {
      chunks.push([]);
      bytes = 0;
    }
    chunks[chunks.length - 1].push(r);
    bytes += size;
  }
  return chunks;
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
    // Sequential: rendering is CPU-bound, and the cache makes template loads after the first free.
    for (const record of records) outcomes.push(await this.handleRecord(record));
    const produced = outcomes.flatMap((o) => (o.ok ? [o.record] : []));
    // In order, each awaited: offsets are committed only after the last chunk is durable.
    for (const chunk of chunkByBytes(produced, PRODUCE_CHUNK_BYTES)) {
      await this.kafka.producer.send(Topics.outbound, chunk);
    }
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
