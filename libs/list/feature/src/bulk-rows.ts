// First pass of a bulk subscribe: every row is validated on its own and a bad
// row becomes a report entry ({index, email, code, reason}) instead of failing
// the batch. An address given twice is written once (the first row wins).
import { checkSubscriberInput, ListErrorCode, type SubscriberInput } from '@postline/list/domain';
import type { BulkRowError } from './list.views';

export interface AcceptedRow {
  index: number;
  input: SubscriberInput;
}

export interface ScreenedRows {
  accepted: AcceptedRow[];
  errors: BulkRowError[];
}

export function screenRows(rows: unknown[]): ScreenedRows {
  const accepted: AcceptedRow[] = [];
  const errors: BulkRowError[] = [];
  const firstIndexOf = new Map<string, number>();
  rows.forEach((row, index) => {
    const checked = checkSubscriberInput(row);
    if (!checked.ok) {
      errors.push({
        index,
        email: rawEmail(row),
        code: checked.problem.code,
        reason: checked.problem.message,
      });
      return;
    }
    const address = checked.value.email.address;
    const first = firstIndexOf.get(address);
    if (first !== undefined) {
      errors.push({
        index,
        email: address,
        code: ListErrorCode.DuplicateInBatch,
        reason: `email ${address} appears earlier in this batch (index ${first}); only that row is used`,
      });
      return;
    }
    firstIndexOf.set(address, index);
    accepted.push({ index, input: checked.value });
  });
  return { accepted, errors };
}

/** The email as the caller sent it, for the report (bounded; "" when not a string). */
function rawEmail(row: unknown): string {
  if (typeof row !== 'object' || row === null) return '';
  const email = (row as Record<string, unknown>).email;
  return typeof email === 'string' ? email.slice(0, 320) : '';
}
