// One subscriber as a caller submits it (REST single create, a bulk row, later a
// CSV line), validated completely before anything is written: the address is
// normalised, the name is safe to put in a To: header, the attributes are bounded.
import { checkAttributes, type Attributes } from './attributes';
import { checkConsent, type ConsentInput } from './consent';
import { checkEmailAddress, type EmailAddress } from './email-address';
import { ListErrorCode } from './list-errors';

export interface SubscriberInput {
  email: EmailAddress;
  /** Absent means "leave as is" for an existing subscriber, "" for a new one. */
  name?: string;
  /** Absent means "leave as is" for an existing subscriber, {} for a new one. */
  attributes?: Attributes;
  /** Evidence for the consent ledger; absent when the caller gave none. */
  consent?: ConsentInput;
}

export interface InputProblem {
  code: ListErrorCode;
  /** The offending field, e.g. "email" or "attributes". */
  field: string;
  /** A complete sentence naming the field, e.g. `email is missing "@"`. */
  message: string;
}

export type SubscriberInputCheck =
  { ok: true; value: SubscriberInput } | { ok: false; problem: InputProblem };

export const SUBSCRIBER_FIELDS = ['email', 'name', 'attributes', 'consent'] as const;
export const NAME_MAX_LENGTH = 200;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

const problem = (code: ListErrorCode, field: string, message: string): SubscriberInputCheck => ({
  ok: false,
  problem: { code, field, message },
});

/** Validates one subscriber object; unknown fields are refused so typos never pass silently. */
export function checkSubscriberInput(row: unknown): SubscriberInputCheck {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    return problem(
      ListErrorCode.InvalidRow,
      'row',
      'row must be a JSON object with at least "email"',
    );
  }
  const fields = row as Record<string, unknown>;
  const unknown = Object.keys(fields).find(
    (k) => !(SUBSCRIBER_FIELDS as readonly string[]).includes(k),
  );
  if (unknown !== undefined) {
    return problem(ListErrorCode.UnknownField, unknown, `property ${unknown} should not exist`);
  }
  if (fields.email === undefined)
    return problem(ListErrorCode.InvalidEmail, 'email', 'email is required');
  const email = checkEmailAddress(fields.email);
  if (!email.ok) return problem(ListErrorCode.InvalidEmail, 'email', `email ${email.reason}`);
  const name = checkName(fields.name);
  if (typeof name === 'object') return name;
  const attributes = checkAttributes(fields.attributes);
  if (!attributes.ok)
    return problem(
      ListErrorCode.InvalidAttributes,
      'attributes',
      `attributes ${attributes.reason}`,
    );
  const consent = checkConsent(fields.consent);
  if (!consent.ok) return problem(ListErrorCode.InvalidConsent, 'consent', consent.reason);
  return {
    ok: true,
    value: {
      email: email.value,
      ...(name !== undefined ? { name } : {}),
      ...(fields.attributes !== undefined && fields.attributes !== null
        ? { attributes: attributes.value }
        : {}),
      ...(fields.consent !== undefined && fields.consent !== null
        ? { consent: consent.value }
        : {}),
    },
  };
}

function checkName(input: unknown): string | undefined | SubscriberInputCheck {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'string')
    return problem(ListErrorCode.InvalidName, 'name', 'name must be a string');
  // Names end up in To: display names; control characters (CR/LF above all) would inject headers.
  if (CONTROL.test(input))
    return problem(ListErrorCode.InvalidName, 'name', 'name contains a control character');
  const name = input.trim();
  if (name.length > NAME_MAX_LENGTH) {
    return problem(
      ListErrorCode.InvalidName,
      'name',
      `name is longer than ${NAME_MAX_LENGTH} characters`,
    );
  }
  return name;
}
