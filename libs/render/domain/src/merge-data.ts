// The data a template sees (docs/pipeline-contract.md): the subscriber's
// attributes at the top level, then the fixed fields, which always win so that
// an attribute called "email" cannot change what {{email}} shows.
import { RenderError } from './render-errors';
import type { MergeData } from './template-compiler';

/**
 * Bounds on the data of one render. The list service keeps a subscriber's
 * attributes under 16 KiB; render does not trust its producers, and these leave
 * room for the fixed fields and for transactional data given over gRPC.
 */
export const MERGE_DATA_LIMITS = {
  /** All strings and keys together, in UTF-8 bytes. */
  maxTotalBytes: 64 * 1024,
  /** Any one string value, in UTF-8 bytes. */
  maxValueBytes: 16 * 1024,
  /** The data object itself is level 1. */
  maxDepth: 8,
} as const;

export interface MergeRecipient {
  subscriberId: string;
  email: string;
  name: string;
  attributes?: Record<string, unknown>;
}

export function buildMergeData(
  recipient: MergeRecipient,
  extra?: Record<string, unknown>,
): MergeData {
  const { subscriberId, email, name } = recipient;
  return {
    ...(recipient.attributes ?? {}),
    ...(extra ?? {}),
    email,
    name,
    subscriber: { id: subscriberId, email, name },
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses merge data a message must not be built from: a string holding NUL
 * (never valid in mail text) or an unpaired surrogate (not encodable as UTF-8,
 * it would silently become U+FFFD), a value over 16 KiB, data over 64 KiB or
 * nested deeper than 8 levels. The error names the field, never its value.
 */
export function checkMergeData(data: MergeData): void {
  let total = 0;
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'string') {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > MERGE_DATA_LIMITS.maxValueBytes) {
        throw invalid(path, `is ${bytes} bytes, over ${MERGE_DATA_LIMITS.maxValueBytes}`);
      }
      if (value.includes('\0')) throw invalid(path, 'contains NUL');
      if (LONE_SURROGATE.test(value))
        throw invalid(path, 'is not valid Unicode (unpaired surrogate)');
      total += bytes;
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MERGE_DATA_LIMITS.maxDepth) {
        throw invalid(path, `nests deeper than ${MERGE_DATA_LIMITS.maxDepth} levels`);
      }
      const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
      for (const [key, child] of entries) {
        total += String(key).length;
        visit(child, path ? `${path}.${key}` : String(key), depth + 1);
      }
    } else {
      total += 8;
    }
    if (total > MERGE_DATA_LIMITS.maxTotalBytes) {
      throw new RenderError(
        'MERGE_DATA_INVALID',
        `merge data is larger than ${MERGE_DATA_LIMITS.maxTotalBytes} bytes`,
      );
    }
  };
  visit(data, '', 1);
}

function invalid(path: string, why: string): RenderError {
  // Keys come from subscriber attributes: shown, but cut short.
  const name = path.length > 80 ? `${path.slice(0, 77)}...` : path;
  return new RenderError('MERGE_DATA_INVALID', `merge value "${name}" ${why}`);
}
