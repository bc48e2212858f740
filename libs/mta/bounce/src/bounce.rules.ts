// The one ordered table that turns an SMTP reply into a bounce category. The
// classifier walks it top to bottom and the first row whose every condition
// holds decides; hard vs soft is derived afterwards (bounce.classifier.ts).
//
// Order is the policy: text rows come first because large providers reuse
// enhanced codes loosely (a blocklist notice under 5.1.1, a missing mailbox
// under 5.4.1 or 5.5.0), then RFC 3463 detail and subject rows, then the basic
// code. Within the text rows, signals about *us* (our sender, our IP's
// reputation, our authentication) precede signals about the recipient, so a
// reputation block that happens to mention "mailbox" never condemns a subscriber.
import { events } from '@postline/contracts';

const C = events.BounceCategory;

export interface BounceRule {
  /** Stable name reported in the classification (logs, metrics labels, tests). */
  readonly name: string;
  readonly category: events.BounceCategory;
  /** Matches only when the message reached its bounce-after age. */
  readonly expired?: true;
  /** Basic codes (RFC 5321), any of them. */
  readonly codes?: readonly number[];
  /** Enhanced status code pattern "class.subject.detail"; any part may be "*". */
  readonly status?: string;
  /** Case-insensitive pattern on the reply text. */
  readonly text?: RegExp;
}

export const BOUNCE_RULES: readonly BounceRule[] = [
  // The queue decided, not the peer: the last reply stays on the event for the record.
  { name: 'bounce-after-reached', category: C.BOUNCE_CATEGORY_EXPIRED, expired: true },

  // --- Text: problems on our side of the transaction --------------------------------
  {
    // Postfix reject_unknown_sender_domain, RFC 7505 sender null MX: our MAIL FROM, not the recipient.
    name: 'text-sender-rejected',
    category: C.BOUNCE_CATEGORY_POLICY,
    text: /\bsender (address|domain)\b[^.;]{0,40}\b(rejected|not found|null mx|does not exist|unknown)|\bsender verify failed/i,
  },
  {
    name: 'text-blocklist',
    category: C.BOUNCE_CATEGORY_SPAM_BLOCK,
    text: /spamhaus|spamcop|barracuda|\bsorbs\b|\bblocked using\b|\b(black|block|deny)[ -]?list(ed)?\b|\bdnsbl\b|\brbl\b/i,
  },
  {
    // Outlook.com / Microsoft 365 IP blocks: (S3140), (S3150), "banned sending IP".
    name: 'text-microsoft-ip-block',
    category: C.BOUNCE_CATEGORY_SPAM_BLOCK,
    text: /\(S3\d{3}\)|banned sending ip/i,
  },
  {
    name: 'text-sender-authentication',
    category: C.BOUNCE_CATEGORY_POLICY,
    text: /\bdmarc\b|\bspf\b|\bdkim\b|unauthenticated|not authenticated|authentication checks|anti-?spoofing|spoof/i,
  },
  {
    name: 'text-reputation',
    category: C.BOUNCE_CATEGORY_SPAM_BLOCK,
    text: /\b(ip|sender|sending|domain|poor|low|bad) reputation\b|reputation of (the|your)/i,
  },
  {
    // Yahoo [TSS04] "user complaints", Gmail 4.7.28 "unsolicited mail", spam-filter verdicts.
    name: 'text-spam',
    category: C.BOUNCE_CATEGORY_SPAM_BLOCK,
    text: /unsolicited|\bspam\b|user complaints|junk mail|bulk mail/i,
  },

  // --- Text: the message itself ------------------------------------------------------
  {
    name: 'text-malware',
    category: C.BOUNCE_CATEGORY_CONTENT,
    text: /virus|malware|infected|malicious (content|attachment|url)/i,
  },
  {
    // Before the size row: "mailbox size limit exceeded" is the recipient's quota, not our message.
    name: 'text-quota',
    category: C.BOUNCE_CATEGORY_QUOTA,
    text: /quota|mailbox (is )?full|inbox is full|out of storage|insufficient (system )?storage|storage (space|allocation)|mailbox size limit/i,
  },
  {
    name: 'text-message-size',
    category: C.BOUNCE_CATEGORY_CONTENT,
    text: /message (size )?(exceeds|is too (big|large))|size exceeds|maximum message size|message too (big|large)/i,
  },
  {
    name: 'text-content-rejected',
    category: C.BOUNCE_CATEGORY_CONTENT,
    text: /content (rejected|refused|not accepted)|prohibited attachment|attachment[^.]{0,20}(not allowed|blocked|rejected)|invalid (message )?(header|mime)|bare lf/i,
  },

  // --- Text: the recipient ----------------------------------------------------------
  {
    // Microsoft 365 directory-based edge blocking: the tenant has no such recipient.
    // The same words under 5.7.1 are a plain Postfix access-list refusal (policy), hence the status.
    name: 'text-microsoft-tenant-unknown-recipient',
    category: C.BOUNCE_CATEGORY_BAD_MAILBOX,
    status: '*.4.1',
    text: /recipient address rejected: access denied/i,
  },
  {
    name: 'text-domain-not-found',
    category: C.BOUNCE_CATEGORY_BAD_DOMAIN,
    text: /domain (name )?(not found|does not exist|doesn't exist)|no such domain|unknown domain|host or domain name not found|null mx|domain does not accept (e-?)?mail|nxdomain/i,
  },
  {
    name: 'text-mailbox-inactive',
    category: C.BOUNCE_CATEGORY_INACTIVE_MAILBOX,
    text: /\b(mailbox|account|user|recipient)\b[^.]{0,40}\b(disabled|inactive|deactivated|suspended|closed|locked|frozen|no longer (active|available|in use))\b|\b(disabled|inactive|deactivated|suspended|closed) (mailbox|account|user)\b/i,
  },
  {
    // "mailbox unavailable" is Outlook's 550 5.5.0 wording for an address it has no mailbox for.
    name: 'text-mailbox-unknown',
    category: C.BOUNCE_CATEGORY_BAD_MAILBOX,
    text: /does not exist|doesn't exist|no such (user|mailbox|recipient|address)|user unknown|unknown (user|recipient|mailbox)|(recipient|mailbox|user|address) not found|not a valid (mailbox|recipient|user|address)|invalid (recipient|mailbox)|mailbox unavailable|no mailbox|unverified address|doesn't have an? [\w.-]+ account/i,
  },

  // --- Text: the path between us and them --------------------------------------------
  {
    name: 'text-relay-denied',
    category: C.BOUNCE_CATEGORY_ROUTING,
    text: /relay(ing)? (access )?(denied|not permitted|not allowed|prohibited)|not permitted to relay|unable to relay|rcpthosts/i,
  },
  {
    name: 'text-mail-loop',
    category: C.BOUNCE_CATEGORY_ROUTING,
    text: /mail loop|loops back to myself|too many hops|hop count exceeded/i,
  },
  {
    name: 'text-no-answer',
    category: C.BOUNCE_CATEGORY_ROUTING,
    text: /no answer|connection (timed out|refused|lost|reset|dropped)|was lost|timed out|could not resolve/i,
  },
  {
    // Before the policy rows: "530 5.7.0 Must issue a STARTTLS command first" is a protocol gap.
    name: 'text-tls',
    category: C.BOUNCE_CATEGORY_PROTOCOL,
    text: /starttls|\btls\b|encryption required/i,
  },
  {
    name: 'text-protocol',
    category: C.BOUNCE_CATEGORY_PROTOCOL,
    text: /syntax error|command not recognized|unrecognized command|bad sequence|out of sequence|line too long/i,
  },

  // --- Text: the receiver's traffic and access policy --------------------------------
  {
    name: 'text-rate-limit',
    category: C.BOUNCE_CATEGORY_POLICY,
    text: /rate limit|too many (messages|connections|recipients|emails)|unexpected volume|throttl|temporarily deferred/i,
  },
  {
    name: 'text-policy',
    category: C.BOUNCE_CATEGORY_POLICY,
    text: /polic(y|ies)|not authori[sz]ed|access denied|administrative prohibition|\bblocked\b/i,
  },

  // --- RFC 3463 detail ----------------------------------------------------------------
  { name: 'status-x.1.1-bad-mailbox', category: C.BOUNCE_CATEGORY_BAD_MAILBOX, status: '*.1.1' },
  { name: 'status-x.1.2-bad-domain', category: C.BOUNCE_CATEGORY_BAD_DOMAIN, status: '*.1.2' },
  { name: 'status-x.1.3-bad-syntax', category: C.BOUNCE_CATEGORY_BAD_MAILBOX, status: '*.1.3' },
  { name: 'status-x.1.4-ambiguous', category: C.BOUNCE_CATEGORY_BAD_MAILBOX, status: '*.1.4' },
  { name: 'status-x.1.6-moved', category: C.BOUNCE_CATEGORY_INACTIVE_MAILBOX, status: '*.1.6' },
  // Our MAIL FROM: its syntax (x.1.7) or its domain (x.1.8) says nothing about the recipient.
  { name: 'status-x.1.7-sender-syntax', category: C.BOUNCE_CATEGORY_PROTOCOL, status: '*.1.7' },
  { name: 'status-x.1.8-sender-domain', category: C.BOUNCE_CATEGORY_POLICY, status: '*.1.8' },
  { name: 'status-x.1.10-null-mx', category: C.BOUNCE_CATEGORY_BAD_DOMAIN, status: '*.1.10' },
  { name: 'status-x.2.1-disabled', category: C.BOUNCE_CATEGORY_INACTIVE_MAILBOX, status: '*.2.1' },
  { name: 'status-x.2.2-mailbox-full', category: C.BOUNCE_CATEGORY_QUOTA, status: '*.2.2' },
  { name: 'status-x.2.3-too-long', category: C.BOUNCE_CATEGORY_CONTENT, status: '*.2.3' },
  { name: 'status-x.2.4-list-expansion', category: C.BOUNCE_CATEGORY_ROUTING, status: '*.2.4' },
  { name: 'status-x.3.1-system-full', category: C.BOUNCE_CATEGORY_QUOTA, status: '*.3.1' },
  { name: 'status-x.3.3-features', category: C.BOUNCE_CATEGORY_PROTOCOL, status: '*.3.3' },
  { name: 'status-x.3.4-too-big', category: C.BOUNCE_CATEGORY_CONTENT, status: '*.3.4' },
  { name: 'status-x.3.5-misconfigured', category: C.BOUNCE_CATEGORY_ROUTING, status: '*.3.5' },
  { name: 'status-x.4.7-expired', category: C.BOUNCE_CATEGORY_EXPIRED, status: '*.4.7' },
  // RFC 7293: the address was reassigned (x.7.17) or the domain changed hands (x.7.18).
  {
    name: 'status-x.7.13-disabled',
    category: C.BOUNCE_CATEGORY_INACTIVE_MAILBOX,
    status: '*.7.13',
  },
  {
    name: 'status-x.7.17-owner-changed',
    category: C.BOUNCE_CATEGORY_INACTIVE_MAILBOX,
    status: '*.7.17',
  },
  {
    name: 'status-x.7.18-domain-changed',
    category: C.BOUNCE_CATEGORY_BAD_DOMAIN,
    status: '*.7.18',
  },
  { name: 'status-x.7.28-mail-flood', category: C.BOUNCE_CATEGORY_SPAM_BLOCK, status: '*.7.28' },

  // --- RFC 3463 subject ---------------------------------------------------------------
  { name: 'status-x.4.x-network', category: C.BOUNCE_CATEGORY_ROUTING, status: '*.4.*' },
  { name: 'status-x.5.x-protocol', category: C.BOUNCE_CATEGORY_PROTOCOL, status: '*.5.*' },
  { name: 'status-x.6.x-content', category: C.BOUNCE_CATEGORY_CONTENT, status: '*.6.*' },
  // x.7.20–x.7.29 (RFC 7372, authentication) fall here too: a sender-side failure.
  { name: 'status-x.7.x-security', category: C.BOUNCE_CATEGORY_POLICY, status: '*.7.*' },

  // --- RFC 5321/7504 basic code, for peers that send no enhanced code -----------------
  { name: 'code-storage', category: C.BOUNCE_CATEGORY_QUOTA, codes: [452, 552] },
  { name: 'code-no-mail-accepted', category: C.BOUNCE_CATEGORY_BAD_DOMAIN, codes: [521, 556] },
  { name: 'code-user-not-local', category: C.BOUNCE_CATEGORY_ROUTING, codes: [551] },
  {
    name: 'code-protocol',
    category: C.BOUNCE_CATEGORY_PROTOCOL,
    codes: [500, 501, 502, 503, 504, 530],
  },
];
