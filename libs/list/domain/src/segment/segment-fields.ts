// The fields a segment can test, and where each lives on a subscriber
// document. `status` is the member's status on the list being streamed, which
// the stream itself decides (recipients are "subscribed"), so it never reaches
// MongoDB; every other field is a path of the subscriber document.
import { ATTRIBUTE_LIMITS } from '../attributes';

export type FieldType = 'string' | 'enum' | 'date' | 'count' | 'any';

export interface FieldInfo {
  name: string;
  type: FieldType;
  /** Path in the subscriber document; absent for `status`. */
  path?: string;
  /** Allowed values of an enum field. */
  values?: readonly string[];
}

export const MEMBER_STATUSES = ['unconfirmed', 'subscribed', 'unsubscribed'] as const;
export const SUBSCRIBER_GLOBAL_STATUSES = ['active', 'bounced', 'complained', 'blocked'] as const;

const FIELDS: Record<string, FieldInfo> = {
  email: { name: 'email', type: 'string', path: 'email' },
  name: { name: 'name', type: 'string', path: 'name' },
  status: { name: 'status', type: 'enum', values: MEMBER_STATUSES },
  global_status: {
    name: 'global_status',
    type: 'enum',
    path: 'globalStatus',
    values: SUBSCRIBER_GLOBAL_STATUSES,
  },
  created_at: { name: 'created_at', type: 'date', path: 'createdAt' },
  updated_at: { name: 'updated_at', type: 'date', path: 'updatedAt' },
  last_open_at: { name: 'last_open_at', type: 'date', path: 'engagement.lastOpenAt' },
  last_click_at: { name: 'last_click_at', type: 'date', path: 'engagement.lastClickAt' },
  opens: { name: 'opens', type: 'count', path: 'engagement.opens' },
  clicks: { name: 'clicks', type: 'count', path: 'engagement.clicks' },
  soft_bounce_streak: {
    name: 'soft_bounce_streak',
    type: 'count',
    path: 'engagement.softBounceStreak',
  },
};

export const SEGMENT_FIELD_NAMES = [...Object.keys(FIELDS), 'attributes.<key>'];

/** The field an identifier names, or a sentence saying why it names none. */
export function lookupField(ident: string): FieldInfo | string {
  if (ident.startsWith('attributes.')) {
    const keys = ident.slice('attributes.'.length).split('.');
    if (keys.length > ATTRIBUTE_LIMITS.maxDepth)
      return `attributes nest at most ${ATTRIBUTE_LIMITS.maxDepth} levels`;
    const bad = keys.find((k) => !ATTRIBUTE_LIMITS.keyPattern.test(k));
    if (bad !== undefined) return `${JSON.stringify(bad)} is not an attribute key`;
    return { name: ident, type: 'any', path: ident };
  }
  return (
    FIELDS[ident] ??
    `unknown field ${JSON.stringify(ident)} (fields: ${SEGMENT_FIELD_NAMES.join(', ')})`
  );
}
