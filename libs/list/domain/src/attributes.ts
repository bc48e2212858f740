// Subscriber attributes: the merge data that templates read ({{first_name}}).
// Bounded in size, depth and key syntax so that a subscriber document stays
// small, keys are valid template identifiers and MongoDB field names (no "$" or
// "."), and a hostile payload cannot blow up rendering or storage.
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = { [key: string]: AttributeValue };

export type AttributesCheck = { ok: true; value: Attributes } | { ok: false; reason: string };

export const ATTRIBUTE_LIMITS = {
  /** Serialized as JSON, in UTF-8 octets. */
  maxBytes: 16 * 1024,
  /** The attributes object itself is level 1. */
  maxDepth: 4,
  keyPattern: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
} as const;

/**
 * Top-level keys the merge data sets itself (see docs/pipeline-contract.md:
 * `{ ...attributes, email, name, subscriber }`), so an attribute of that name would
 * be silently shadowed; and keys that are prototype hooks in JavaScript.
 */
const RESERVED_TOP_LEVEL = new Set(['email', 'name', 'subscriber']);
const RESERVED_ANYWHERE = new Set(['__proto__', 'constructor', 'prototype']);

const fail = (reason: string): AttributesCheck => ({ ok: false, reason });

/** Validates attributes; absent (undefined or null) means none. Never throws. */
export function checkAttributes(input: unknown): AttributesCheck {
  if (input === undefined || input === null) return { ok: true, value: {} };
  if (!isPlainObject(input)) return fail(`must be a JSON object, got ${describe(input)}`);
  for (const key of Object.keys(input)) {
    if (RESERVED_TOP_LEVEL.has(key))
      return fail(`key "${key}" is reserved: templates get it from the subscriber itself`);
  }
  const problem = walk(input, 1, '');
  if (problem) return fail(problem);
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
  if (bytes > ATTRIBUTE_LIMITS.maxBytes) {
    return fail(`are ${bytes} bytes as JSON; the limit is ${ATTRIBUTE_LIMITS.maxBytes}`);
  }
  return { ok: true, value: input as Attributes };
}

/** Depth-first check of keys, value types and nesting; returns the first problem. */
function walk(node: object, depth: number, path: string): string | undefined {
  if (depth > ATTRIBUTE_LIMITS.maxDepth) {
    return `are nested deeper than ${ATTRIBUTE_LIMITS.maxDepth} levels (at "${path}")`;
  }
  const entries: Array<[string, unknown]> = Array.isArray(node)
    ? node.map((v, i) => [`[${i}]`, v])
    : Object.keys(node).map((k) => [k, (node as Record<string, unknown>)[k]]);
  for (const [key, value] of entries) {
    const at = Array.isArray(node) ? `${path}${key}` : path ? `${path}.${key}` : key;
    if (!Array.isArray(node)) {
      if (RESERVED_ANYWHERE.has(key)) return `key "${at}" is reserved`;
      if (!ATTRIBUTE_LIMITS.keyPattern.test(key)) {
        return `key "${at}" is invalid: use letters, digits and "_", not starting with a digit, at most 64 characters`;
      }
    }
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `value of "${at}" is not a finite number`;
      continue;
    }
    if (Array.isArray(value) || isPlainObject(value)) {
      const problem = walk(value, depth + 1, at);
      if (problem) return problem;
      continue;
    }
    return `value of "${at}" is ${describe(value)}, which is not JSON`;
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return `a ${v.constructor?.name ?? 'non-plain'} object`;
  return `a ${typeof v}`;
}
