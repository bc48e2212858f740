// Classifies one SMTP reply into a bounce category and a hard/soft verdict.
// Called for every deferred and bounced recipient; the category travels in the
// DeliveryEvent and the list service suppresses only on `hard`.
import { events } from '@postline/contracts';
import { BOUNCE_RULES, type BounceRule } from './bounce.rules';
import type { BounceClassification, ReplyToClassify } from './bounce.types';

const C = events.BounceCategory;

/**
 * The only categories that say the address itself is dead. Everything else is
 * about us (reputation, authentication, content, protocol), the path, or a
 * condition that passes, and must never cost a subscriber their subscription:
 * - policy and spam-block: a block on our IP or domain is fixed on our side;
 * - quota: even 552 5.2.2 is soft. A full mailbox empties, and providers send it
 *   for live users; a mailbox that stays full is for the list service to judge
 *   from repeated quota bounces across sends, not from one reply;
 * - expired: the bounce-after age passed without a verdict; final, but not hard.
 */
const HARD_CATEGORIES: ReadonlySet<events.BounceCategory> = new Set([
  C.BOUNCE_CATEGORY_BAD_MAILBOX,
  C.BOUNCE_CATEGORY_BAD_DOMAIN,
  C.BOUNCE_CATEGORY_INACTIVE_MAILBOX,
]);

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

type Status = readonly [string, string, string];

function parseStatus(enhancedCode: string | undefined): Status | undefined {
  const m = ENHANCED.exec((enhancedCode ?? '').trim());
  return m ? [m[1], String(Number(m[2])), String(Number(m[3]))] : undefined;
}

function statusMatches(pattern: string, status: Status | undefined): boolean {
  if (!status) return false;
  const parts = pattern.split('.');
  return parts.every((part, i) => part === '*' || part === status[i]);
}

function ruleMatches(
  rule: BounceRule,
  reply: ReplyToClassify,
  status: Status | undefined,
): boolean {
  if (rule.expired && !reply.expired) return false;
  if (rule.codes && !rule.codes.includes(reply.code)) return false;
  if (rule.status && !statusMatches(rule.status, status)) return false;
  if (rule.text && !rule.text.test(reply.text ?? '')) return false;
  return true;
}

/**
 * Permanent means a 5xx basic code; the enhanced class stands in only when the
 * basic code is missing, because the basic code is what the SMTP exchange obeys.
 */
function isPermanent(reply: ReplyToClassify, status: Status | undefined): boolean {
  if (reply.code >= 100 && reply.code < 600) return Math.floor(reply.code / 100) === 5;
  return status?.[0] === '5';
}

export function classifyReply(reply: ReplyToClassify): BounceClassification {
  const status = parseStatus(reply.enhancedCode);
  const rule = BOUNCE_RULES.find((r) => ruleMatches(r, reply, status));
  const category = rule?.category ?? C.BOUNCE_CATEGORY_OTHER;
  const permanent = isPermanent(reply, status);
  return {
    category,
    // 4xx is always soft: the peer itself says the next attempt may succeed.
    hard: !reply.expired && permanent && HARD_CATEGORIES.has(category),
    final: reply.expired === true || permanent,
    rule: rule?.name ?? 'fallback-other',
  };
}
