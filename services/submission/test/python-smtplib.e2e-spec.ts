// A second real client, Python's smtplib: STARTTLS, AUTH, one message
// accepted with 250 and queued; metrics name the session, auth and message.
import { execFile } from 'node:child_process';
import { fromDomain, startSubmission, type SubmissionUnderTest } from './support/submission-e2e';

const SCRIPT = `
import os, smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=15)
s.starttls(context=ctx)
s.ehlo('python.test')
s.login(os.environ['USER_NAME'], os.environ['SECRET'])
frm = 'py@' + os.environ['DOMAIN']
s.mail(frm)
s.rcpt('someone@one.test')
code, text = s.data(('From: ' + frm + '\\r\\nSubject: from smtplib\\r\\n\\r\\nhello\\r\\n').encode())
print(code, text.decode())
s.quit()
`;

function runPython(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'python3',
      ['-c', SCRIPT],
      { env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim()),
    ),
  );
}

describe('submission with Python smtplib', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('accepts a message over STARTTLS with AUTH and answers 250 2.0.0 with a queue id', async () => {
    const out = await runPython({
      PORT: String(sut.smtpPort),
      USER_NAME: sut.username,
      SECRET: sut.secret,
      DOMAIN: sut.senderDomain,
    });
    expect(out).toMatch(/^250 2\.0\.0 Queued as [0-9a-f]{32}$/);
    await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'smtplib message');
  });

  it('exports the submission metrics the Helm dashboards use', async () => {
    const text = await (await fetch(`${sut.service.httpUrl}/metrics`)).text();
    expect(text).toMatch(/^postline_submission_sessions_total\{listener="submission"\} [1-9]/m);
    expect(text).toMatch(/^postline_submission_sessions_active \d/m);
    expect(text).toMatch(/^postline_submission_auth_attempts_total\{result="success"\} 1$/m);
    expect(text).toMatch(
      /^postline_submission_messages_total\{result="accepted",reason="QUEUED"\} 1$/m,
    );
    expect(text).toMatch(/^postline_submission_message_bytes_total [1-9]/m);
    expect(text).toMatch(/^postline_submission_accept_seconds_count 1$/m);
  });
});
