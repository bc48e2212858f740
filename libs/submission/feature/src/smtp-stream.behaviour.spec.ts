// Pins what smtp-server's DATA parser hands to onData, which the line guard's
// design depends on: only CRLF.CRLF ends DATA, every smuggling ending arrives as
// content, and an escape dot is removed after any LF (bare or not).
import { SMTPStream } from 'smtp-server/lib/smtp-stream';
import { findDataViolation } from '@postline/submission/domain';

interface DataResult {
  content: string;
  /** Bytes after the end of DATA: what the server would parse as the next commands. */
  rest: string;
}

function parseData(wire: string): Promise<DataResult> {
  return new Promise((resolve) => {
    const parser = new SMTPStream();
    const chunks: Buffer[] = [];
    let rest = '';
    parser.oncommand = (cmd: Buffer, done?: () => void) => {
      rest += `${cmd.toString('latin1')}\r\n`;
      done?.();
    };
    const data = parser.startDataMode();
    data.on('data', (c: Buffer) => chunks.push(c));
    data.on('end', () => {
      parser.continue();
      setImmediate(() => resolve({ content: Buffer.concat(chunks).toString('latin1'), rest }));
    });
    parser.write(Buffer.from(wire, 'latin1'));
  });
}

const SMUGGLED = 'MAIL FROM:<x@evil.test>\r\nRCPT TO:<v@victim.test>\r\nDATA\r\nsmuggled\r\n';

describe('smtp-server DATA parsing (library behaviour the guard relies on)', () => {
  it.each([['\n.\r\n'], ['\n.\n'], ['\r.\r'], ['\r\n.\n'], ['\r\n\x00.\r\n'], ['\r.\r\n']])(
    'keeps the fake ending %j and the smuggled commands inside DATA',
    async (ending) => {
      const { content, rest } = await parseData(
        `Subject: a\r\n\r\nbody${ending}${SMUGGLED}.\r\nQUIT\r\n`,
      );
      expect(content).toBe(`Subject: a\r\n\r\nbody${ending}${SMUGGLED}`);
      expect(rest).toBe('QUIT\r\n');
      expect(findDataViolation(Buffer.from(content, 'latin1'))).toBeDefined();
    },
  );

  it('removes an escape dot after a bare LF too, so the guard sees the bare LF', async () => {
    const { content } = await parseData('a\n..b\r\n.\r\n');
    expect(content).toBe('a\n.b\r\n');
    expect(findDataViolation(Buffer.from(content, 'latin1'))?.kind).toBe('BARE_LF');
  });

  it('un-dot-stuffs a CRLF-terminated line and ends only on CRLF.CRLF', async () => {
    const { content } = await parseData('a\r\n..\r\n.b\r\n.\r\n');
    expect(content).toBe('a\r\n.\r\n.b\r\n');
    expect(findDataViolation(Buffer.from(content, 'latin1'))).toBeUndefined();
  });
});
