// Domain policies: YAML and runtime overrides, matching by domain, suffix and MX host pattern.
export * from './policy.types';
export * from './policy.errors';
export { BUILTIN_DEFAULTS, DEFAULT_POLICY_NAME, MAX_SHARDS } from './policy-defaults';
export { parseDuration, formatDuration } from './duration';
export { parsePolicyDocument, parsePolicyEntry, type PolicyDocument } from './policy-document';
export { policyToDocument } from './policy-reader';
export { PolicyBook, ROLLUP_BUDGET_PREFIX } from './policy-book';
export { compileBackoffRules, type ReplyMatcher } from './backoff-rules';
export { shardOf, routingKeyFor, parseRoutingKey, type RoutingKeyParts } from './routing-key';
export { retryDelayFor, isExpired, nextAttemptAt } from './retry';
