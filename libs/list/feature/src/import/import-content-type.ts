// Which uploads the CSV import reads: the file itself as the request body,
// declared as CSV (or as the generic types browsers and tools send for a .csv),
// in UTF-8. A multipart form or another charset is refused with the way to fix it.
import { ListError, ListErrorCode } from '@postline/list/domain';

const CSV_TYPES = new Set([
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
]);

export function checkImportContentType(header: string | undefined): void {
  const [type, ...params] = (header ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (!CSV_TYPES.has(type)) {
    throw new ListError(
      ListErrorCode.UnsupportedContentType,
      `send the CSV file itself as the request body with Content-Type: text/csv (got ${type ? JSON.stringify(type.slice(0, 100)) : 'none'}); the column mapping goes in the "mapping" query parameter`,
    );
  }
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ListError(
      ListErrorCode.UnsupportedContentType,
      `the file must be UTF-8 (got charset ${JSON.stringify(charset.slice(0, 40))}); save it as CSV UTF-8`,
    );
  }
}
