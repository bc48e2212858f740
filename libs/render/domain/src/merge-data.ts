// The data a template sees (docs/pipeline-contract.md): the subscriber's
// attributes at the top level, then the fixed fields, which always win so that
// an attribute called "email" cannot change what {{email}} shows.
import type { MergeData } from './template-compiler';

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
