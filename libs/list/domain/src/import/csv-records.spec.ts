import { CsvFileError, CsvRecordReader, readCsv, type CsvItem } from './csv-records';

/** Feeds `input` in chunks of `chunk` bytes (1 = the worst case: every byte a chunk). */
function read(input: string | Buffer, chunk = 1 << 16, maxRecordBytes = 1024): CsvItem[] {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const reader = new CsvRecordReader({ maxRecordBytes });
  const items: CsvItem[] = [];
  for (let i = 0; i < bytes.length; i += chunk)
    items.push(...reader.push(bytes.subarray(i, i + chunk)));
  items.push(...reader.end());
  return items;
}

const summary = (items: CsvItem[]) =>
  items.map((i) => (i.kind === 'record' ? [i.line, i.fields] : [i.line, i.problem]));

describe('CsvRecordReader', () => {
  const file =
    'email,name,note\r\n' +
    'a@example.com,Ada,"likes ""quotes"", commas"\r\n' +
    '\r\n' +
    'b@example.com,"Bob\nSmith",plain\n' +
    'c@example.com,Cy,5" screen\n' +
    'd@example.com,Di,last';

  it('reads quoted fields, doubled quotes, line breaks in quotes, CRLF and a missing final line break', () => {
    expect(summary(read(file))).toEqual([
      [1, ['email', 'name', 'note']],
      [2, ['a@example.com', 'Ada', 'likes "quotes", commas']],
      [4, ['b@example.com', 'Bob\nSmith', 'plain']],
      [6, ['c@example.com', 'Cy', '5" screen']],
      [7, ['d@example.com', 'Di', 'last']],
    ]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const whole = summary(read(file));
    for (const size of [1, 2, 3, 7, 16]) expect(summary(read(file, size))).toEqual(whole);
  });

  it('reports bad quoting on its line and reads the following rows unharmed', () => {
    const items = read('email,name\na@x.io,"Ann"ie\nb@x.io,Bo\n', 3);
    expect(summary(items)).toEqual([
      [1, ['email', 'name']],
      [2, 'bad_quoting'],
      [3, ['b@x.io', 'Bo']],
    ]);
    expect(items[1]).toMatchObject({
      message:
        'bad quoting: "i" follows a closing quote (a quote inside a quoted field must be doubled)',
    });
  });

  it('reports a quote never closed and reads the lines after it as rows again', () => {
    expect(summary(read('email,name\na@x.io,"Ann\nb@x.io,Bo\nc@x.io,Cy\n'))).toEqual([
      [1, ['email', 'name']],
      [2, 'quote_not_closed'],
      [3, ['b@x.io', 'Bo']],
      [4, ['c@x.io', 'Cy']],
    ]);
  });

  it('gives up on a quoted field longer than the limit without buffering the rest of the file', () => {
    const runaway = `email,name\na@x.io,"${'x'.repeat(50)}\nb@x.io,Bo\n${'y,'.repeat(40)}\n`;
    expect(summary(read(runaway, 8, 40))).toEqual([
      [1, ['email', 'name']],
      [2, 'quote_not_closed'],
      [3, ['b@x.io', 'Bo']],
      [4, 'too_long'],
    ]);
  });

  it('skips an over-long unquoted line, however many chunks it spans', () => {
    const items = read(`a,b\n${'z'.repeat(200)}\nc,d\n`, 5, 50);
    expect(summary(items)).toEqual([
      [1, ['a', 'b']],
      [2, 'too_long'],
      [3, ['c', 'd']],
    ]);
  });

  it('reports bytes that are not UTF-8 with the field, and keeps multi-byte characters split across chunks', () => {
    const latin1 = Buffer.concat([
      Buffer.from('email,name\nz@x.io,Zoë\nr@x.io,Ren'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const items = read(latin1, 1);
    expect(summary(items)).toEqual([
      [1, ['email', 'name']],
      [2, ['z@x.io', 'Zoë']],
      [3, 'invalid_utf8'],
    ]);
    expect(items[2]).toMatchObject({
      column: 1,
      message: 'field 2 is not valid UTF-8 (save the file as UTF-8)',
    });
  });

  it('drops a UTF-8 byte order mark, even one split across chunks', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('email\na@x.io\n')]);
    expect(summary(read(bom, 1))).toEqual([
      [1, ['email']],
      [2, ['a@x.io']],
    ]);
  });

  it('refuses a UTF-16 file as a whole', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email\n', 'utf16le')]);
    expect(() => read(utf16)).toThrow(CsvFileError);
    expect(() => read(utf16)).toThrow('the file is UTF-16 text; save it as UTF-8');
  });

  it('splits on another delimiter when told', () => {
    const reader = new CsvRecordReader({ maxRecordBytes: 100, delimiter: ';' });
    expect(
      summary([...reader.push(Buffer.from('email;name\na@x.io;"A;B"\n')), ...reader.end()]),
    ).toEqual([
      [1, ['email', 'name']],
      [2, ['a@x.io', 'A;B']],
    ]);
  });

  it('counts a lone CR as a line break and keeps empty fields', () => {
    expect(summary(read('a,b,c\r1,,3\r,,\r'))).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', '', '3']],
      [3, ['', '', '']],
    ]);
  });

  it('reads an async byte stream at the pace of its consumer', async () => {
    async function* source() {
      yield Buffer.from('email\na@');
      yield 'x.io\nb@x.io';
    }
    const items: CsvItem[] = [];
    for await (const item of readCsv(source(), { maxRecordBytes: 100 })) items.push(item);
    expect(summary(items)).toEqual([
      [1, ['email']],
      [2, ['a@x.io']],
      [3, ['b@x.io']],
    ]);
  });
});
