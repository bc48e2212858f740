import { ListError } from '@postline/list/domain';
import { checkImportContentType } from './import-content-type';

const refusal = (header: string | undefined) => {
  try {
    checkImportContentType(header);
  } catch (e) {
    if (e instanceof ListError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`expected ${header} to be refused`);
};

describe('checkImportContentType', () => {
  it.each([
    'text/csv',
    'text/csv; charset=utf-8',
    'Text/CSV; charset="UTF-8"',
    'application/vnd.ms-excel',
    'text/plain',
  ])('accepts %s', (header) => expect(() => checkImportContentType(header)).not.toThrow());

  it('refuses a multipart form, saying how to send the file', () => {
    expect(refusal('multipart/form-data; boundary=x')).toEqual({
      code: 'UNSUPPORTED_CONTENT_TYPE',
      message:
        'send the CSV file itself as the request body with Content-Type: text/csv (got "multipart/form-data"); the column mapping goes in the "mapping" query parameter',
    });
    expect(refusal(undefined).message).toContain('(got none)');
  });

  it('refuses another charset than UTF-8', () => {
    expect(refusal('text/csv; charset=iso-8859-1')).toEqual({
      code: 'UNSUPPORTED_CONTENT_TYPE',
      message: 'the file must be UTF-8 (got charset "iso-8859-1"); save it as CSV UTF-8',
    });
  });
});
