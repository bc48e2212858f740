// The seam between deciding and delivering (Postfix's queue manager vs its
// delivery agents): the MTA core hands a Dispatcher one message for one next
// hop and gets back what happened to each recipient. SMTP is one
// implementation; a null sink or an LMTP agent can be others.
import type { NextHop } from '@postline/mta/routing';

export interface SmtpEnvelope {
  /** RFC 5321 reverse-path; empty for the null sender. */
  mailFrom: string;
  rcptTo: string[];
  /** The message needs SMTPUTF8 (RFC 6531); it is never downgraded. */
  smtpUtf8?: boolean;
  /** The body holds 8-bit data: announce BODY=8BITMIME when the peer offers it (RFC 6152). */
  eightBitMime?: boolean;
}

/** A receiving server's reply (or one we synthesise for a failure without one), with its RFC 3463 code. */
export interface SmtpReply {
  code: number;
  enhancedCode: string;
  text: string;
}

export type DeliveryOutcome = 'delivered' | 'deferred' | 'bounced';

/** What happened to one recipient in one delivery attempt. */
export interface DeliveryResult {
  recipient: string;
  outcome: DeliveryOutcome;
  reply: SmtpReply;
  /** The host we talked to (or tried to). */
  mxHost: string;
}

export interface Dispatcher {
  /** One attempt; never throws for delivery failures — they are results. Returns one result per recipient, in envelope order. */
  deliver(hop: NextHop, envelope: SmtpEnvelope, raw: Buffer): Promise<DeliveryResult[]>;
  /** Closes connections; in-flight deliveries finish first. */
  close(): Promise<void>;
}
