// Typed errors of the throttle library: limits that cannot be enforced
// (a zero or negative rate, a connection limit below one). They signal a
// programming or policy-validation gap, never a runtime condition.

export const ThrottleErrorCodes = {
  MTA_THROTTLE_LIMIT_INVALID: 'a rate or connection limit is out of range',
} as const;

export type ThrottleErrorCode = keyof typeof ThrottleErrorCodes;

export class ThrottleError extends Error {
  readonly code: ThrottleErrorCode = 'MTA_THROTTLE_LIMIT_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'ThrottleError';
  }
}

export function checkPositive(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new ThrottleError(`${what} must be a positive number, got ${value}`);
  }
}

export function checkPositiveInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ThrottleError(`${what} must be a whole number >= 1, got ${value}`);
  }
}
