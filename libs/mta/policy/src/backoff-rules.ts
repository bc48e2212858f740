// Which SMTP replies mean "you are sending too fast" for a policy: the rules
// are checked when the document is read, and compiled once into a matcher the
// throttle's backoff governor runs against every reply of a budget.
import type { BackoffRule, ReplyLike } from './policy.types';

const ENHANCED_PATTERN = /^[45]\.(\d{1,3}|\*)\.(\d{1,3}|\*)$/;
const REGEX_FORM = /^\/(.+)\/$/s;

/** Why an enhanced-code pattern is unusable, or undefined. */
export function enhancedPatternProblem(pattern: string): string | undefined {
  return ENHANCED_PATTERN.test(pattern)
    ? undefined
    : 'is not an enhanced status pattern like "4.7.*" (class 4 or 5, then a number or "*" twice)';
}

/** Why a text pattern is unusable, or undefined. */
export function textPatternProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'is empty';
  const regex = REGEX_FORM.exec(pattern);
  if (!regex) return undefined;
  try {
    new RegExp(regex[1], 'i');
    return undefined;
  } catch (e) {
    return `is not a valid regular expression (${(e as Error).message})`;
  }
}

export type ReplyMatcher = (reply: ReplyLike) => boolean;

function compileEnhanced(pattern: string): (code: string) => boolean {
  const parts = pattern.split('.');
  return (code) => {
    const actual = code.split('.');
    return (
      actual.length === 3 && parts.every((p, i) => p === '*' || Number(p) === Number(actual[i]))
    );
  };
}

function compileText(pattern: string): (text: string) => boolean {
  const regex = REGEX_FORM.exec(pattern);
  if (regex) {
    const compiled = new RegExp(regex[1], 'i');
    return (text) => compiled.test(text);
  }
  const needle = pattern.toLowerCase();
  return (text) => text.toLowerCase().includes(needle);
}

function compileRule(rule: BackoffRule): ReplyMatcher {
  const checks: ReplyMatcher[] = [];
  if (rule.codes?.length) {
    const codes = new Set(rule.codes);
    checks.push((r) => codes.has(r.code));
  }
  if (rule.enhanced?.length) {
    const patterns = rule.enhanced.map(compileEnhanced);
    checks.push((r) => {
      const code = r.enhancedCode;
      return code !== undefined && patterns.some((p) => p(code));
    });
  }
  if (rule.text?.length) {
    const patterns = rule.text.map(compileText);
    checks.push((r) => {
      const text = r.text;
      return text !== undefined && patterns.some((p) => p(text));
    });
  }
  // A rule with no criteria never matches: the document reader refuses it, and
  // a hand-built one must not silently put every budget into backoff.
  return (reply) => checks.length > 0 && checks.every((check) => check(reply));
}

/** One matcher for a list of rules: true when any rule matches the reply. */
export function compileBackoffRules(rules: readonly BackoffRule[]): ReplyMatcher {
  const compiled = rules.map(compileRule);
  return (reply) => compiled.some((matches) => matches(reply));
}
