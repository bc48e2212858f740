// SMTPUTF8 (RFC 6531) and 8BITMIME (RFC 6152) as the submission server honours
// them: a UTF-8 address is accepted only in a transaction that declared
// SMTPUTF8 on MAIL FROM, and what a message needs from the next hop (SMTPUTF8,
// an 8-bit body) travels with it to the mta, which never downgrades.

/** Whether an address (or any header or body text) holds a character outside US-ASCII. */
export function isNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** RFC 6531 §3.4: a UTF-8 address in MAIL or RCPT needs the SMTPUTF8 parameter on MAIL FROM. */
export function utf8AddressAllowed(address: string, smtpUtf8Declared: boolean): boolean {
  return smtpUtf8Declared || !isNonAscii(address);
}

/** Whether a buffer holds any byte above 0x7f (an 8-bit body or RFC 6532 headers). */
export function hasEightBitBytes(message: Buffer): boolean {
  for (let i = 0; i < message.length; i++) if (message[i] > 0x7f) return true;
  return false;
}

export interface MailExtensionNeeds {
  smtputf8: boolean;
  eightBitMime: boolean;
}

/**
 * What the message needs from the next hop. SMTPUTF8 when the client declared it
 * or an address is UTF-8 (RFC 6531 §3.2: never downgraded); 8BITMIME when the
 * client declared BODY=8BITMIME or the bytes are 8-bit anyway (many clients
 * send UTF-8 without declaring it; announcing it on relay is the safe reading).
 */
export function mailExtensionNeeds(input: {
  smtpUtf8Declared: boolean;
  bodyType?: string;
  addresses: readonly string[];
  message: Buffer;
}): MailExtensionNeeds {
  const smtputf8 = input.smtpUtf8Declared || input.addresses.some(isNonAscii);
  const eightBitMime =
    input.bodyType?.toLowerCase() === '8bitmime' || hasEightBitBytes(input.message);
  return { smtputf8, eightBitMime };
}
