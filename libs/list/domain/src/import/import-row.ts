// Second stage of a CSV import: one record becomes a validated subscriber
// input, or a row error with its catalogue code. Cells are trimmed; an empty
// name or attribute cell leaves the stored value as it is (an import adds and
// corrects data, it does not blank it), typed attribute cells are converted.
import type { AttributeValue } from '../attributes';
import { ListErrorCode } from '../list-errors';
import { checkSubscriberInput, type SubscriberInput } from '../subscriber-input';
import type { AttributeType, ColumnMap } from './import-mapping';

export interface RowProblem {
  code: ListErrorCode;
  message: string;
}

export type MappedRow =
  { ok: true; input: SubscriberInput } | { ok: false; problem: RowProblem; email: string };

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  '1': true,
  '0': false,
};

export function mapRecord(fields: string[], map: ColumnMap): MappedRow {
  const email = (fields[map.email.index] ?? '').trim();
  const fail = (code: ListErrorCode, message: string): MappedRow => ({
    ok: false,
    problem: { code, message },
    email: email.slice(0, 320),
  });
  if (fields.length !== map.header.length) {
    return fail(
      ListErrorCode.InvalidCsvRow,
      `the row has ${fields.length} field${fields.length === 1 ? '' : 's'}; the header has ${map.header.length}`,
    );
  }
  if (email === '')
    return fail(
      ListErrorCode.InvalidEmail,
      `email is missing (column ${JSON.stringify(map.email.column)} is empty)`,
    );

  const attributes: Record<string, AttributeValue> = {};
  for (const a of map.attributes) {
    const cell = fields[a.index].trim();
    if (cell === '') continue;
    const value = convert(cell, a.type);
    if (value === undefined)
      return fail(
        ListErrorCode.InvalidAttributes,
        `attributes.${a.key}: ${JSON.stringify(cell.slice(0, 60))} in column ${JSON.stringify(a.column)} is not ${article(a.type)}`,
      );
    attributes[a.key] = value;
  }
  const name = map.name ? fields[map.name.index].trim() : '';
  const checked = checkSubscriberInput({
    email,
    ...(name !== '' ? { name } : {}),
    ...(map.attributes.length > 0 ? { attributes } : {}),
  });
  if (!checked.ok) return fail(checked.problem.code, checked.problem.message);
  return { ok: true, input: checked.value };
}

function convert(cell: string, type: AttributeType): AttributeValue | undefined {
  switch (type) {
    case 'string':
      return cell;
    case 'number': {
      const n = Number(cell);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return BOOLEAN_WORDS[cell.toLowerCase()];
    case 'json':
      try {
        return JSON.parse(cell) as AttributeValue;
      } catch {
        return undefined;
      }
  }
}

function article(type: AttributeType): string {
  return type === 'json' ? 'valid JSON' : `a ${type}`;
}
