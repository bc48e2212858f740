// Reading SMTP replies: basic code (RFC 5321 §4.2), enhanced status code
// (RFC 3463) and the text, and what each class of reply means for delivery.
import type { DeliveryOutcome, SmtpReply } from './dispatch.types';

const BASIC = /^(\d{3})(?:[ -]|$)/;
const ENHANCED = /^(\d)\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;
/** Reply text can be long (multi-line policy notices); events keep a bounded amount. */
export const MAX_REPLY_TEXT = 512;

export function defaultEnhancedCode(code: number): string {
  return `${Math.floor(code / 100)}.0.0`;
}

/**
 * Parses a reply as nodemailer reports it ("550 5.1.1 No such user", or several
 * lines joined by newlines). The enhanced code is taken only when its class
 * agrees with the basic code, as RFC 3463 requires; otherwise X.0.0 stands in.
 */
export function parseSmtpReply(response: string | undefined): SmtpReply | undefined {
  const lines = (response ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const basic = lines.length > 0 ? BASIC.exec(lines[0]) : null;
  if (!basic) return undefined;
  const code = Number(basic[1]);
  const texts = lines.map((l) => l.replace(BASIC, ''));
  const enhanced = ENHANCED.exec(texts[0]);
  const enhancedCode =
    enhanced && enhanced[1] === basic[1][0] ? enhanced[0] : defaultEnhancedCode(code);
  const text = texts
    .map((t) => t.replace(ENHANCED, '').trim())
    .filter(Boolean)
    .join(' ');
  return { code, enhancedCode, text: text.slice(0, MAX_REPLY_TEXT) };
}

/** 2xx delivered, 5xx bounced; 4xx and anything unexpected is worth another try. */
export function outcomeOf(code: number): DeliveryOutcome {
  if (code >= 200 && code < 300) return 'delivered';
  if (code >= 500 && code < 600) return 'bounced';
  return 'deferred';
}
