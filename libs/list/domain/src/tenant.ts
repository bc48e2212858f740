// Tenants partition every list, subscriber and stream. The id travels in a
// header (REST) or a field (gRPC) and ends up in queries and logs, so its shape
// is fixed here: short, printable, no separators that could confuse a key.
export const DEFAULT_TENANT = 'default';
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}

export const TENANT_ID_RULE =
  'letters, digits, "_", "." and "-", starting with a letter or digit, at most 64 characters';
