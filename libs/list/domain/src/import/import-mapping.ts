// Which CSV column feeds which subscriber field. The caller's mapping is
// checked before a byte of the file is read, then matched against the header
// row: a header without the email column (or any mapped column) refuses the
// whole file up front, so a wrong file never half-imports.
import { ATTRIBUTE_LIMITS } from '../attributes';
import { ListErrorCode } from '../list-errors';
import type { CsvDelimiter } from './csv-records';

export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'json'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** The mapping as the caller sends it (query parameter `mapping`, JSON). */
export interface ImportMapping {
  /** Header of the email column; default: the column named "email" (any case). */
  email?: string;
  /** Header of the name column; default: the column named "name" (any case), if any. */
  name?: string;
  /**
   * Attribute key → column header, or {column, type}. Default (no mapping, or no
   * `attributes`): every other column becomes a string attribute of its own name.
   */
  attributes?: Record<string, string | { column: string; type?: AttributeType }>;
  delimiter?: CsvDelimiter;
}

export interface MappedAttribute {
  key: string;
  column: string;
  index: number;
  type: AttributeType;
}

/** The mapping resolved against one file's header: column positions. */
export interface ColumnMap {
  header: string[];
  email: { column: string; index: number };
  name?: { column: string; index: number };
  attributes: MappedAttribute[];
}

export type MappingProblem = {
  ok: false;
  code:
    | typeof ListErrorCode.InvalidMapping
    | typeof ListErrorCode.MissingColumn
    | typeof ListErrorCode.InvalidCsv;
  message: string;
};

const MAPPING_FIELDS = ['email', 'name', 'attributes', 'delimiter'];
const DELIMITERS: readonly string[] = [',', ';', '\t'];
const RESERVED = new Set(['email', 'name', 'subscriber', '__proto__', 'constructor', 'prototype']);
const MAX_COLUMN_NAME = 200;

const invalid = (message: string): MappingProblem => ({
  ok: false,
  code: ListErrorCode.InvalidMapping,
  message,
});

/** Parses the `mapping` query parameter; absent means the default mapping. */
export function parseMapping(
  raw: string | undefined,
): { ok: true; value: ImportMapping } | MappingProblem {
  if (raw === undefined || raw.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return invalid(
      'mapping must be a JSON object, e.g. {"email":"E-mail","attributes":{"plan":"Plan"}}',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return invalid('mapping must be a JSON object');
  const m = value as Record<string, unknown>;
  const unknown = Object.keys(m).find((k) => !MAPPING_FIELDS.includes(k));
  if (unknown)
    return invalid(`mapping.${unknown} is not a mapping field (${MAPPING_FIELDS.join(', ')})`);
  for (const field of ['email', 'name'] as const) {
    if (m[field] !== undefined && !isColumnName(m[field]))
      return invalid(`mapping.${field} must be a column header (1..${MAX_COLUMN_NAME} characters)`);
  }
  if (m.delimiter !== undefined && !DELIMITERS.includes(m.delimiter as string))
    return invalid('mapping.delimiter must be ",", ";" or "\\t"');
  const attributes = m.attributes === undefined ? undefined : parseAttributeMap(m.attributes);
  if (attributes && !attributes.ok) return attributes;
  return {
    ok: true,
    value: {
      ...(m.email !== undefined ? { email: m.email as string } : {}),
      ...(m.name !== undefined ? { name: m.name as string } : {}),
      ...(attributes ? { attributes: attributes.value } : {}),
      ...(m.delimiter !== undefined ? { delimiter: m.delimiter as CsvDelimiter } : {}),
    },
  };
}

function parseAttributeMap(
  raw: unknown,
): { ok: true; value: NonNullable<ImportMapping['attributes']> } | MappingProblem {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return invalid('mapping.attributes must be an object of attribute key → column');
  const out: NonNullable<ImportMapping['attributes']> = {};
  for (const [key, spec] of Object.entries(raw as Record<string, unknown>)) {
    const keyProblem = attributeKeyProblem(key);
    if (keyProblem) return invalid(`mapping.attributes: ${keyProblem}`);
    if (isColumnName(spec)) {
      out[key] = spec;
      continue;
    }
    const s = spec as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null || !isColumnName(s.column))
      return invalid(
        `mapping.attributes.${key} must be a column header or {"column": ..., "type": ...}`,
      );
    const extra = Object.keys(s).find((k) => k !== 'column' && k !== 'type');
    if (extra) return invalid(`mapping.attributes.${key}.${extra} is not allowed (column, type)`);
    if (s.type !== undefined && !(ATTRIBUTE_TYPES as readonly unknown[]).includes(s.type))
      return invalid(`mapping.attributes.${key}.type must be one of ${ATTRIBUTE_TYPES.join(', ')}`);
    out[key] = { column: s.column as string, ...(s.type ? { type: s.type as AttributeType } : {}) };
  }
  return { ok: true, value: out };
}

/** Matches the mapping to the header row of the file. */
export function resolveMapping(
  mapping: ImportMapping,
  rawHeader: string[],
): { ok: true; value: ColumnMap } | MappingProblem {
  const header = rawHeader.map((h) => h.trim());
  const find = (column: string): number => header.indexOf(column.trim());
  const findLoose = (name: string): number => header.findIndex((h) => h.toLowerCase() === name);
  const missing = (what: string, column: string) => missingColumn(header, what, column);

  const emailIndex = mapping.email !== undefined ? find(mapping.email) : findLoose('email');
  if (emailIndex < 0) return missing('email', mapping.email ?? 'email');
  const nameIndex = mapping.name !== undefined ? find(mapping.name) : findLoose('name');
  if (nameIndex < 0 && mapping.name !== undefined) return missing('name', mapping.name);

  const twice = (indexes: number[]): MappingProblem | undefined => {
    const i = indexes.find((k) => header.indexOf(header[k]) !== header.lastIndexOf(header[k]));
    if (i === undefined) return undefined;
    return {
      ok: false,
      code: ListErrorCode.InvalidCsv,
      message: `the header names column ${JSON.stringify(header[i])} more than once`,
    };
  };
  const own = twice(nameIndex >= 0 ? [emailIndex, nameIndex] : [emailIndex]);
  if (own) return own;

  const attributes = mappedAttributes(mapping, header, [emailIndex, nameIndex]);
  if (!Array.isArray(attributes)) return attributes;
  const ambiguous = twice(attributes.map((a) => a.index));
  if (ambiguous) return ambiguous;
  return {
    ok: true,
    value: {
      header,
      email: { column: header[emailIndex], index: emailIndex },
      ...(nameIndex >= 0 ? { name: { column: header[nameIndex], index: nameIndex } } : {}),
      attributes,
    },
  };
}

/** The attribute columns: as mapped, or by default every column but email and name. */
function mappedAttributes(
  mapping: ImportMapping,
  header: string[],
  own: number[],
): MappedAttribute[] | MappingProblem {
  const attributes: MappedAttribute[] = [];
  if (mapping.attributes) {
    for (const [key, spec] of Object.entries(mapping.attributes)) {
      const column = typeof spec === 'string' ? spec : spec.column;
      const index = header.indexOf(column.trim());
      if (index < 0) return missingColumn(header, `attribute (${key})`, column);
      const type = typeof spec === 'string' ? 'string' : (spec.type ?? 'string');
      attributes.push({ key, column, index, type });
    }
    return attributes;
  }
  // A mapping that names email or name imports only what it names.
  if (mapping.email !== undefined || mapping.name !== undefined) return attributes;
  for (let index = 0; index < header.length; index++) {
    if (own.includes(index)) continue;
    const problem = attributeKeyProblem(header[index]);
    if (problem)
      return invalid(
        `column ${JSON.stringify(header[index])} cannot be an attribute key (${problem}); send a mapping that names the columns to import`,
      );
    attributes.push({ key: header[index], column: header[index], index, type: 'string' });
  }
  return attributes;
}

function missingColumn(header: string[], what: string, column: string): MappingProblem {
  return {
    ok: false,
    code: ListErrorCode.MissingColumn,
    message: `the header has no ${what} column ${JSON.stringify(column)} (columns: ${describeHeader(header)})`,
  };
}

function attributeKeyProblem(key: string): string | undefined {
  if (RESERVED.has(key)) return `key "${key}" is reserved`;
  if (!ATTRIBUTE_LIMITS.keyPattern.test(key))
    return `key ${JSON.stringify(key.slice(0, 80))} is invalid: use letters, digits and "_", not starting with a digit, at most 64 characters`;
  return undefined;
}

function isColumnName(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_COLUMN_NAME;
}

function describeHeader(header: string[]): string {
  const shown = header.slice(0, 20).map((h) => JSON.stringify(h.slice(0, 40)));
  return shown.join(', ') + (header.length > 20 ? `, … (${header.length} in all)` : '');
}
