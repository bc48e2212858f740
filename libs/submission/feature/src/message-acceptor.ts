// Durable acceptance: a message is answered 250 only once every per-domain part
// is on mail.outbound.v1 with acks=all; on timeout or error the caller answers
// 451 4.3.0. QUEUED delivery events follow the outbound records. A produce
// cannot be called back once started: when one that ran past the deadline
// (client told 451) still succeeds later, the client's retry will duplicate the
// message, so that late outcome is reported to be counted.
import { createHash } from 'node:crypto';
import { events } from '@postline/contracts';
import { encodePayload, Topics, type DurableProducer } from '@postline/platform/kafka';
import { splitByRoutingKey, type EnvelopePart } from '@postline/submission/domain';

export interface AcceptedMessage {
  queueId: string;
  tenantId: string;
  mailFrom: string;
  recipients: string[];
  rawMime: Buffer;
  receivedAt: Date;
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
  /** Told when QUEUED events could not be produced (the message itself is safe). */
  onEventsLost?: (err: Error) => void;
  /** Told how a produce that missed the deadline ended: produced late, or failed. */
  onLateOutcome?: (queueId: string, produced: boolean) => void;
}

export class MessageAcceptor {
  private readonly timeoutMs: number;

  constructor(
    private readonly producer: DurableProducer,
    private readonly options: AcceptorOptions,
  ) {
    this.timeoutMs = options.timeoutMs;
  }

  async accept(msg: AcceptedMessage): Promise<void> {
    const parts = splitByRoutingKey(msg.recipients);
    const outbound = parts.map((part) => ({
      key: part.routingKey,
      value: encodePayload(events.OutboundMessage, this.outboundOf(msg, part)),
    }));
    const produced = this.producer.send(Topics.outbound, outbound, this.timeoutMs);
    try {
      await withDeadline(produced, this.timeoutMs);
    } catch (e) {
      if (e instanceof AcceptTimeoutError)
        produced.then(
          () => this.options.onLateOutcome?.(msg.queueId, true),
          () => this.options.onLateOutcome?.(msg.queueId, false),
        );
      throw e;
    }
    // The message is durable now; a late events failure must not turn into a 451
    // that makes the client send it twice, so events get their own bounded send.
    const queued = parts.flatMap((part) => this.queuedEvents(msg, part));
    await withDeadline(
      this.producer.send(Topics.events, queued, this.timeoutMs),
      this.timeoutMs,
    ).catch((e: Error) => this.options.onEventsLost?.(e));
  }

  private outboundOf(msg: AcceptedMessage, part: EnvelopePart): events.OutboundMessage {
    return events.OutboundMessage.fromPartial({
      messageId: partMessageId(msg.queueId, part.routingKey),
      tenantId: msg.tenantId,
      routingKey: part.routingKey,
      envelope: { mailFrom: msg.mailFrom, rcptTo: part.recipients },
      rawMime: msg.rawMime,
      attempt: 1,
      firstAttemptAt: msg.receivedAt,
      source: events.MessageSource.MESSAGE_SOURCE_SUBMISSION,
    });
  }

  private queuedEvents(msg: AcceptedMessage, part: EnvelopePart) {
    const messageId = partMessageId(msg.queueId, part.routingKey);
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
