// Typed errors of the policy library, from one catalogue: a bad policy
// document or override (every problem listed with its path), and bad
// arguments to the routing-key helpers.

export const PolicyErrorCodes = {
  /** A policy document or override is invalid; `problems` names each fault with its path. */
  MTA_POLICY_INVALID: 'invalid domain policies',
  /** A domain, routing key, shard or attempt number given to a helper is out of range. */
  MTA_POLICY_ARGUMENT_INVALID: 'invalid argument',
} as const;

export type PolicyErrorCode = keyof typeof PolicyErrorCodes;

export class PolicyError extends Error {
  constructor(
    readonly code: PolicyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Every problem of a document at once, so an operator fixes them in one pass. */
export class PolicyDocumentError extends PolicyError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      'MTA_POLICY_INVALID',
      `${source}: invalid domain policies:\n  - ${problems.join('\n  - ')}`,
    );
  }
}

export class PolicyArgumentError extends PolicyError {
  constructor(message: string) {
    super('MTA_POLICY_ARGUMENT_INVALID', message);
  }
}
