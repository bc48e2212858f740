import { parseProxyV2, PROXY_V2_SIGNATURE } from './proxy-v2';

function header(verCmd: number, famProto: number, body: Buffer): Buffer {
  const fixed = Buffer.alloc(4);
  fixed[0] = verCmd;
  fixed[1] = famProto;
  fixed.writeUInt16BE(body.length, 2);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, body]);
}

function tcp4(src: number[], srcPort: number): Buffer {
  const body = Buffer.alloc(12);
  Buffer.from(src).copy(body, 0);
  Buffer.from([192, 0, 2, 25]).copy(body, 4);
  body.writeUInt16BE(srcPort, 8);
  body.writeUInt16BE(587, 10);
  return body;
}

describe('parseProxyV2', () => {
  it('reads the client address and port of a PROXY TCP4 header, TLVs included in its length', () => {
    const buf = Buffer.concat([
      header(
        0x21,
        0x11,
        Buffer.concat([tcp4([203, 0, 113, 7], 51234), Buffer.from([0x04, 0, 1, 9])]),
      ),
      Buffer.from('EHLO x\r\n'),
    ]);
    expect(parseProxyV2(buf)).toEqual({
      kind: 'ok',
      headerBytes: 32,
      source: { address: '203.0.113.7', port: 51234 },
    });
  });

  it('reads a PROXY TCP6 header', () => {
    const body = Buffer.alloc(36);
    Buffer.from('20010db8000000000000000000000007', 'hex').copy(body, 0);
    body.writeUInt16BE(4000, 32);
    expect(parseProxyV2(header(0x21, 0x21, body))).toMatchObject({
      kind: 'ok',
      source: { address: '2001:db8:0:0:0:0:0:7', port: 4000 },
    });
  });

  it('keeps the peer address for LOCAL (the balancer health-checking)', () => {
    expect(parseProxyV2(header(0x20, 0x00, Buffer.alloc(0)))).toEqual({
      kind: 'ok',
      headerBytes: 16,
    });
  });

  it('asks for more bytes while the header is partial', () => {
    const full = header(0x21, 0x11, tcp4([203, 0, 113, 7], 1));
    expect(parseProxyV2(full.subarray(0, 5))).toEqual({ kind: 'incomplete' });
    expect(parseProxyV2(full.subarray(0, 20))).toEqual({ kind: 'incomplete' });
  });

  it('tells a v1 line or plain SMTP from v2 at the first differing byte', () => {
    expect(parseProxyV2(Buffer.from('PROXY TCP4 '))).toEqual({ kind: 'not-v2' });
    expect(parseProxyV2(Buffer.from('EH'))).toEqual({ kind: 'not-v2' });
  });

  it.each([
    ['another version', header(0x11, 0x11, tcp4([1, 2, 3, 4], 1))],
    ['an unknown command', header(0x22, 0x11, tcp4([1, 2, 3, 4], 1))],
    ['an UNSPEC or UNIX family', header(0x21, 0x31, Buffer.alloc(216))],
    ['an address block too short for TCP4', header(0x21, 0x11, Buffer.alloc(8))],
  ])('refuses %s', (_what, buf) => {
    expect(parseProxyV2(buf)).toMatchObject({ kind: 'invalid' });
  });

  it('refuses a declared length over the bound without waiting for it', () => {
    const buf = Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x21, 0x11, 0xff, 0xff])]);
    expect(parseProxyV2(buf)).toEqual({ kind: 'invalid', reason: 'PROXY v2 header too long' });
  });
});
