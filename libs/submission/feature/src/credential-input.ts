// Validation of credential requests that do not come through Nest's
// ValidationPipe (gRPC): the same DTO classes and the same options (whitelist,
// no unknown fields), with the first fault reported as a CredentialError that
// names the field.
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { CredentialError, CredentialErrorCode } from './credential-errors';

/** Renames a DTO property for the caller, e.g. to the .proto field name. */
export type FieldNamer = (property: string) => string;

export const sameName: FieldNamer = (p) => p;

/** allowedSenderDomains -> allowed_sender_domains */
export const protoFieldName: FieldNamer = (p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

interface Fault {
  field: string;
  property: string;
  text: string;
}

function firstFault(errors: ValidationError[], path = ''): Fault | null {
  for (const e of errors) {
    const field = path ? `${path}.${e.property}` : e.property;
    const text = Object.values(e.constraints ?? {})[0];
    if (text) return { field, property: e.property, text };
    const nested = firstFault(e.children ?? [], field);
    if (nested) return nested;
  }
  return null;
}

export async function validateInput<T extends object>(
  dto: ClassConstructor<T>,
  plain: Record<string, unknown>,
  fieldName: FieldNamer = sameName,
): Promise<T> {
  // Absent optional fields are left out, not passed as undefined.
  const defined = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
  const instance = plainToInstance(dto, defined);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  const fault = firstFault(errors);
  if (!fault) return instance;
  const field = fieldName(fault.field);
  // class-validator words its messages with the property name; use the caller's.
  const text = fault.text.split(fault.property).join(fieldName(fault.property));
  throw new CredentialError(CredentialErrorCode.InvalidField, `${field}: ${text}`, field);
}
