// Certificate renewal without a restart: the certificate and key live in a
// directory laid out like a mounted Kubernetes Secret (files reached through a
// `..data` symlink). Swapping `..data` to a new pair makes new handshakes on both
// ports (STARTTLS and implicit TLS) present the new certificate while a session
// opened before keeps working; swapping to a bad pair (key not matching, key
// missing) is refused and the previous certificate stays in use.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { X509Certificate } from 'node:crypto';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { eventually } from '@postline/platform/testing';
import { authenticatedSession, SmtpLineClient } from './support/smtp-line-client';
import {
  metricValue,
  selfSignedCert,
  startSubmissionProcess,
  type SubmissionProcess,
} from './support/submission-e2e';

interface Pair {
  cert: Buffer;
  key: Buffer;
  fingerprint: string;
}

function newPair(): Pair {
  const { certFile, keyFile } = selfSignedCert();
  const cert = readFileSync(certFile);
  return {
    cert,
    key: readFileSync(keyFile),
    fingerprint: new X509Certificate(cert).fingerprint256,
  };
}

/** A Secret-like directory: tls.crt and tls.key reached through the `..data` symlink. */
class SecretDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'postline-secret-'));
  private version = 0;

  constructor(first: Pair) {
    symlinkSync(this.write({ cert: first.cert, key: first.key }), join(this.dir, '..data'));
    symlinkSync(join('..data', 'tls.crt'), join(this.dir, 'tls.crt'));
    symlinkSync(join('..data', 'tls.key'), join(this.dir, 'tls.key'));
  }

  /** What the kubelet does: write the new version aside, then replace `..data` atomically. */
  swap(files: { cert?: Buffer; key?: Buffer }): void {
    const name = this.write(files);
    symlinkSync(name, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
  }

  private write(files: { cert?: Buffer; key?: Buffer }): string {
    const name = `..v${++this.version}`;
    mkdirSync(join(this.dir, name));
    if (files.cert) writeFileSync(join(this.dir, name, 'tls.crt'), files.cert);
    if (files.key) writeFileSync(join(this.dir, name, 'tls.key'), files.key);
    return name;
  }
}

/** The certificate a new implicit-TLS handshake on 465 presents. */
async function implicitTlsFingerprint(port: number): Promise<string> {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve).once('error', reject);
    });
    return socket.getPeerCertificate().fingerprint256;
  } finally {
    socket.destroy();
  }
}

/** The certificate a new STARTTLS handshake on 587 presents (raw SMTP up to the upgrade). */
async function starttlsFingerprint(port: number): Promise<string> {
  const raw = net.connect({ host: '127.0.0.1', port });
  let buffered = '';
  const nextReply = () =>
    new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        const m = /(^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffered);
        if (!m) return;
        raw.off('data', onData);
        const reply = buffered;
        buffered = '';
        resolve(reply);
      };
      raw.on('data', onData).once('error', reject);
    });
  try {
    await nextReply();
    raw.write('EHLO client.test\r\n');
    await nextReply();
    raw.write('STARTTLS\r\n');
    expect(await nextReply()).toMatch(/^220 /);
    const secure = tls.connect({ socket: raw, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve).once('error', reject);
    });
    const fingerprint = secure.getPeerCertificate().fingerprint256;
    secure.destroy();
    return fingerprint;
  } finally {
    raw.destroy();
  }
}

describe('certificate hot reload', () => {
  let sut: SubmissionProcess;
  let secret: SecretDir;
  let first: Pair;
  let held: SmtpLineClient | undefined;

  beforeAll(async () => {
    first = newPair();
    secret = new SecretDir(first);
    sut = await startSubmissionProcess({
      POSTLINE_SUBMISSION_TLS_CERT_FILE: join(secret.dir, 'tls.crt'),
      POSTLINE_SUBMISSION_TLS_KEY_FILE: join(secret.dir, 'tls.key'),
      POSTLINE_SUBMISSION_TLS_RELOAD_DEBOUNCE_MS: '100',
    });
  });
  afterAll(async () => {
    held?.close();
    await sut?.stop();
  });

  const reloads = (result: string) =>
    metricValue(sut.service.httpUrl, `tls_reloads_total{result="${result}"}`);
  /** Waits until the count of `result` exceeds what it was before the swap (one swap may be read twice). */
  const reloadAfter = async (result: string, swap: () => void) => {
    const before = await reloads(result);
    swap();
    await eventually(
      async () => ((await reloads(result)) > before ? true : undefined),
      15000,
      `a ${result} certificate reload`,
    );
  };

  it('serves a swapped-in certificate to new handshakes on both ports; a session in progress goes on', async () => {
    expect(await implicitTlsFingerprint(sut.smtpsPort)).toBe(first.fingerprint);
    expect(await starttlsFingerprint(sut.smtpPort)).toBe(first.fingerprint);
    held = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);

    const renewed = newPair();
    await reloadAfter('applied', () => secret.swap({ cert: renewed.cert, key: renewed.key }));

    expect(await implicitTlsFingerprint(sut.smtpsPort)).toBe(renewed.fingerprint);
    expect(await starttlsFingerprint(sut.smtpPort)).toBe(renewed.fingerprint);
    // The session secured with the old certificate is untouched.
    expect(await held.command('NOOP')).toMatch(/^250 /);
    expect(await held.command(`MAIL FROM:<app@${sut.senderDomain}>`)).toMatch(/^250 /);
  });

  it('refuses a pair whose key does not match, and a pair without a key, keeping the certificate in use', async () => {
    const inUse = await implicitTlsFingerprint(sut.smtpsPort);
    expect(inUse).not.toBe(first.fingerprint);
    const stranger = newPair();

    await reloadAfter('rejected', () => secret.swap({ cert: stranger.cert, key: first.key }));
    expect(await implicitTlsFingerprint(sut.smtpsPort)).toBe(inUse);
    expect(await starttlsFingerprint(sut.smtpPort)).toBe(inUse);

    await reloadAfter('rejected', () => secret.swap({ cert: stranger.cert }));
    expect(await implicitTlsFingerprint(sut.smtpsPort)).toBe(inUse);
    expect(sut.service.output()).toContain('tls_reload_rejected');
  });
});
