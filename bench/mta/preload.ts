// Fills mail.outbound with the benchmark's messages before the MTA starts: a
// few big domains and a long tail (the shape of a real campaign list), 10 KB
// each, From a domain the MTA holds a DKIM key for.
import { randomBytes } from 'node:crypto';
import { events } from '@postline/contracts';
import { Topics, encodePayload } from '@postline/platform/kafka';
import { Partitioners, type Kafka } from 'kafkajs';

export const FROM_DOMAIN = 'bench.postline.test';

/** Domain of message i: 5 big domains take 40% of the mail, the rest spreads over the tail. */
export function domainOf(i: number, domains: number): string {
  const big = 5;
  if (i % 10 < 4) return `d${i % big}.big.bench.test`;
  return `tail${i % (domains - big)}.bench.test`;
}

function body(size: number): string {
  // Base64 lines of 76 characters, as a real MIME part would be.
  const b64 = randomBytes(Math.ceil((size * 3) / 4))
    .toString('base64')
    .slice(0, size);
  return b64.replace(/.{1,76}/g, '$&\r\n');
}

export function buildMessage(i: number, domain: string, template: string): events.OutboundMessage {
  const messageId = `${i.toString(16).padStart(8, '0')}${randomBytes(8).toString('hex')}`;
  const rcpt = `user${i}@${domain}`;
  const raw = [
    `From: Bench <news@${FROM_DOMAIN}>`,
    `To: <${rcpt}>`,
    `Subject: Benchmark message ${i}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${messageId}@${FROM_DOMAIN}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    template,
  ].join('\r\n');
  return events.OutboundMessage.fromPartial({
    messageId,
    tenantId: 'bench',
    routingKey: domain,
    envelope: { mailFrom: `bounces@${FROM_DOMAIN}`, rcptTo: [rcpt] },
    rawMime: Buffer.from(raw),
    attempt: 1,
    source: events.MessageSource.MESSAGE_SOURCE_CAMPAIGN,
    campaignId: 'bench',
  });
}

/** Produces `total` messages, message i to `domainFor(i)`. */
export async function preload(
  kafka: Kafka,
  total: number,
  size: number,
  domainFor: (i: number) => string,
  offset = 0,
): Promise<void> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const template = body(size);
  try {
    // A produce request carries one record batch per partition, under the broker's 1 MB limit.
    const perSend = Math.max(1, Math.floor(600_000 / (size + 500)));
    for (let i = 0; i < total; i += perSend) {
      const batch = [];
      for (let j = i; j < Math.min(i + perSend, total); j++) {
        const m = buildMessage(offset + j, domainFor(j), template);
        batch.push({ key: m.routingKey, value: encodePayload(events.OutboundMessage, m) });
      }
      await producer.send({ topic: Topics.outbound, acks: -1, messages: batch });
    }
  } finally {
    await producer.disconnect();
  }
}
