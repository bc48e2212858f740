// Checks an OutboundMessage before any delivery attempt. A record that breaks
// the pipeline contract (no id, a routing key that is not a domain, recipients
// of another domain) is a producer bug: it is dead-lettered with the reason.
// A recipient or sender address that SMTP cannot carry is the address's fault:
// it becomes a BOUNCED event (5.1.3 / 5.1.7) like any refused address.
import type { events } from '@postline/contracts';
import type { DeliveryResult, SmtpReply } from '@postline/mta/dispatch';
import { parseMailAddress, routingKeyDomain } from '@postline/mta/routing';
import { PermanentRecordError } from '@postline/platform/kafka';

const BAD_RECIPIENT: SmtpReply = {
  code: 553,
  enhancedCode: '5.1.3',
  text: 'recipient address is not a valid mailbox',
};
const BAD_SENDER: SmtpReply = {
  code: 553,
  enhancedCode: '5.1.7',
  text: 'sender address is not a valid mailbox',
};

export interface CheckedMessage {
  message: events.OutboundMessage;
  /** The routing key's domain: where every recipient of this record lives. */
  domain: string;
  /** Envelope sender in its SMTP form (ASCII domain); empty for the null sender. */
  mailFrom: string;
  /** Recipients worth an SMTP attempt, in their SMTP form, without repeats. */
  deliverable: string[];
  /** SMTP form → the address as the record gave it (events report the latter). */
  original: ReadonlyMap<string, string>;
  /** Recipients decided before any attempt. */
  refused: DeliveryResult[];
}

export function checkOutboundMessage(message: events.OutboundMessage): CheckedMessage {
  if (!message.messageId) throw new PermanentRecordError('OutboundMessage has no message_id');
  const domain = routingKeyDomain(message.routingKey);
  if (!domain)
    throw new PermanentRecordError(`routing_key "${message.routingKey}" is not a domain`);
  const rcptTo = [...new Set(message.envelope?.rcptTo ?? [])];
  if (rcptTo.length === 0) throw new PermanentRecordError('envelope has no recipients');
  if (message.rawMime.length === 0) throw new PermanentRecordError('raw_mime is empty');
  // The null sender (bounces, DSNs) is valid; anything else must be a mailbox.
  const rawSender = message.envelope?.mailFrom ?? '';
  const sender = rawSender === '' ? '' : parseMailAddress(rawSender)?.smtp;
  const deliverable: string[] = [];
  const original = new Map<string, string>();
  const refused: DeliveryResult[] = [];
  for (const rcpt of rcptTo) {
    const address = parseMailAddress(rcpt);
    if (address && address.domain !== domain) {
      throw new PermanentRecordError(
        `recipient domain ${address.domain} does not match routing key ${message.routingKey}`,
      );
    }
    if (!address || sender === undefined) {
      refused.push({
        recipient: rcpt,
        outcome: 'bounced',
        reply: address ? BAD_SENDER : BAD_RECIPIENT,
        mxHost: '',
      });
    } else if (!original.has(address.smtp)) {
      deliverable.push(address.smtp);
      original.set(address.smtp, rcpt);
    }
  }
  return { message, domain, mailFrom: sender ?? '', deliverable, original, refused };
}
