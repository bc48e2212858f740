// Durable acceptance: a message is answered 250 only once every per-domain part
// is on mail.outbound.v1 with acks=all; on timeout or error the caller answers
// 451 4.3.0; a part larger than a Kafka record may be is refused for good
// (552). QUEUED delivery events follow the outbound records (not awaited). Records go
// through a group-commit batcher; one that missed the deadline before it was
// sent is dropped, but a send cannot be called back: when one already sent
// still succeeds after the client was told 451, the client's retry will
// duplicate the message, so that late outcome is reported to be counted.
import { createHash } from 'node:crypto';
import { events } from '@postline/contracts';
import { encodePayload, Topics, type DurableProducer } from '@postline/platform/kafka';
import {
  splitByRoutingKey,
  type EnvelopePart,
  type MailExtensionNeeds,
} from '@postline/submission/domain';
import { ProduceBatcher, recordBytes } from './produce-batcher';

export interface AcceptedMessage {
  queueId: string;
  tenantId: string;
  mailFrom: string;
  recipients: string[];
  rawMime: Buffer;
  receivedAt: Date;
  /** What the next hop must offer (SMTPUTF8) or be told (8BITMIME); none when absent. */
  needs?: MailExtensionNeeds;
}

export class AcceptTimeoutError extends Error {
  constructor(ms: number) {
    super(`Kafka did not acknowledge within ${ms} ms`);
    this.name = 'AcceptTimeoutError';
  }
}

/** One message id per part, so each part's per-recipient event ids stay unique. */
export function partMessageId(queueId: string, routingKey: string): string {
  return createHash('sha256').update(`${queueId}:${routingKey}`).digest('hex').slice(0, 32);
}

export interface AcceptorOptions {
  timeoutMs: number;
  /** Largest record the topics take (Kafka's message size limit); larger parts are refused for good. */
  maxRecordBytes: number;
  /** Told when QUEUED events could not be produced (the message itself is safe). */
  onEventsLost?: (err: Error) => void;
  /** Told how a produce that missed the deadline ended: produced late, or failed. */
  onLateOutcome?: (queueId: string, produced: boolean) => void;
}

/** A part of the message is larger than one Kafka record may be: retrying cannot help. */
export class RecordTooLargeError extends Error {
  readonly code = 'RECORD_TOO_LARGE';
  constructor(readonly limit: number) {
    super(`a part of the message exceeds the ${limit}-byte record limit of the queue`);
    this.name = 'RecordTooLargeError';
  }
}

/** Kafka's own refusal of an oversize record or batch (kafkajs protocol error types). */
function isKafkaTooLarge(e: unknown): boolean {
  for (let cur = e as { type?: string; cause?: unknown } | undefined; cur;) {
    if (cur.type === 'MESSAGE_TOO_LARGE' || cur.type === 'RECORD_LIST_TOO_LARGE') return true;
    cur = cur.cause as typeof cur;
  }
  return false;
}

/** A part of the envelope with the message id its record and events carry. */
type Part = EnvelopePart & { messageId: string };

export class MessageAcceptor {
  private readonly timeoutMs: number;
  private readonly outbound: ProduceBatcher;
  private readonly events: ProduceBatcher;

  constructor(
    producer: DurableProducer,
    private readonly options: AcceptorOptions,
  ) {
    this.timeoutMs = options.timeoutMs;
    // Half the record limit per send: any single record still goes alone.
    const batchBytes = Math.floor(options.maxRecordBytes / 2);
    this.outbound = new ProduceBatcher(producer, Topics.outbound, batchBytes, this.timeoutMs);
    this.events = new ProduceBatcher(producer, Topics.events, batchBytes, this.timeoutMs);
  }

  async accept(msg: AcceptedMessage): Promise<void> {
    const parts = splitByRoutingKey(msg.recipients).map((part) => ({
      ...part,
      messageId: partMessageId(msg.queueId, part.routingKey),
    }));
    const outbound = parts.map((part) => ({
      key: part.routingKey,
      value: encodePayload(events.OutboundMessage, this.outboundOf(msg, part)),
    }));
    const { maxRecordBytes } = this.options;
    if (outbound.some((r) => recordBytes(r) > maxRecordBytes))
      throw new RecordTooLargeError(maxRecordBytes);
    const produced = this.outbound.enqueue(outbound);
    try {
      await withDeadline(produced.done, this.timeoutMs);
    } catch (e) {
      if (e instanceof AcceptTimeoutError)
        void produced.abandon()?.then((ok) => this.options.onLateOutcome?.(msg.queueId, ok));
      if (isKafkaTooLarge(e)) throw new RecordTooLargeError(maxRecordBytes);
      throw e;
    }
    // The message is durable now, so the client is answered without waiting for its
    // QUEUED events: they follow in their own bounded send (one more Kafka round trip
    // the 250 no longer waits for), and their failure is reported, never a 451 that
    // would make the client send the message twice.
    const queued = this.events.enqueue(parts.flatMap((part) => this.queuedEvents(msg, part)));
    void withDeadline(queued.done, this.timeoutMs).catch((e: Error) => {
      queued.abandon();
      this.options.onEventsLost?.(e);
    });
  }

  private outboundOf(msg: AcceptedMessage, part: Part): events.OutboundMessage {
    return events.OutboundMessage.fromPartial({
      messageId: part.messageId,
      tenantId: msg.tenantId,
      routingKey: part.routingKey,
      envelope: {
        mailFrom: msg.mailFrom,
        rcptTo: part.recipients,
        smtputf8: msg.needs?.smtputf8 ?? false,
        eightBitMime: msg.needs?.eightBitMime ?? false,
      },
      rawMime: msg.rawMime,
      attempt: 1,
      firstAttemptAt: msg.receivedAt,
      source: events.MessageSource.MESSAGE_SOURCE_SUBMISSION,
    });
  }

  private queuedEvents(msg: AcceptedMessage, part: Part) {
    const { messageId } = part;
    return part.recipients.map((recipient, index) => ({
      key: messageId,
      value: encodePayload(
        events.DeliveryEvent,
        events.DeliveryEvent.fromPartial({
          eventId: `${messageId}:queued:1:${index}`,
          messageId,
          tenantId: msg.tenantId,
          recipient,
          type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_QUEUED,
          occurredAt: msg.receivedAt,
          attempt: 1,
        }),
      ),
    }));
  }
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AcceptTimeoutError(ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
