// Finds the author domain a DKIM signature must align with (DMARC): the domain
// of the single mailbox in the single From header field. Handles display names,
// quoted strings, comments and groups; anything else is left to the receiver.
import { domainToASCII } from 'node:url';
import { canonicalDomain } from './dkim-key';

export type FromDomain = { kind: 'one'; domain: string } | { kind: 'none' } | { kind: 'many' };

/** The domain of the From value (unfolded or not, as UTF-8 text). */
export function fromDomain(value: string): FromDomain {
  const mailboxes = splitMailboxes(value);
  if (mailboxes.length === 0) return { kind: 'none' };
  if (mailboxes.length > 1) return { kind: 'many' };
  const address = mailboxes[0];
  const at = address.lastIndexOf('@');
  if (at === -1) return { kind: 'none' };
  // Unicode domains (SMTPUTF8 headers) sign and look up as their A-label.
  const domain = canonicalDomain(domainToASCII(address.slice(at + 1).trim()));
  return domain ? { kind: 'one', domain } : { kind: 'none' };
}

/**
 * The addr-spec of each mailbox: the angle-addr when there is one, else the bare
 * text. Comments are dropped; group names ("Team: a@x, b@x;") are not mailboxes.
 */
function splitMailboxes(value: string): string[] {
  const found: string[] = [];
  let text = '';
  let angle: string | undefined;
  let inAngle = false;
  let inQuote = false;
  let commentDepth = 0;
  const flush = () => {
    const mailbox = (angle ?? text).replace(/\s+/g, '');
    if (mailbox.length > 0) found.push(mailbox);
    text = '';
    angle = undefined;
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && (inQuote || commentDepth > 0)) {
      if (commentDepth === 0) text += ch + (value[i + 1] ?? '');
      i++;
    } else if (commentDepth > 0) {
      if (ch === '(') commentDepth++;
      else if (ch === ')') commentDepth--;
    } else if (inQuote) {
      text += ch;
      if (ch === '"') inQuote = false;
    } else if (inAngle) {
      if (ch === '>') inAngle = false;
      else angle += ch;
    } else if (ch === '(') {
      commentDepth = 1;
    } else if (ch === '"') {
      inQuote = true;
      text += ch;
    } else if (ch === '<') {
      inAngle = true;
      angle = '';
    } else if (ch === ',' || ch === ';') {
      flush();
    } else if (ch === ':') {
      text = ''; // a group's display name ends here
    } else {
      text += ch;
    }
  }
  flush();
  return found;
}
