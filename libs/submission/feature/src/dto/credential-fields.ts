// The rules for each credential field, defined once and used by every DTO that
// carries the field (create, update, rotate), so REST and gRPC validate alike.
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsFQDN,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

function all(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((d) => d(target, key));
}

export const USERNAME_PATTERN = /^[A-Za-z0-9._@+-]{3,128}$/;

export const IsUsername = () =>
  all(
    IsString(),
    Matches(USERNAME_PATTERN, {
      message: '$property must be 3 to 128 of A-Z a-z 0-9 . _ @ + -',
    }),
  );

/** Never stored or echoed; only its scrypt hash is kept. */
export const IsSecret = () => all(IsString(), MinLength(12), MaxLength(256));

export const IsSenderDomains = () =>
  all(IsArray(), ArrayMinSize(1), IsFQDN({ require_tld: false }, { each: true }));

export const IsMaxRecipients = () => all(IsInt(), Min(1), Max(1000));

/** Per-minute rates: at most the server's limit, which is also the default. */
export const IsRate = () => all(IsInt(), Min(1));

export const IsEnabled = () => IsBoolean();
