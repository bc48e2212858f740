import type { SMTPServerSession } from 'smtp-server';
import { checkGuards, type SubmissionUser } from './submission-guards';

const policy = { allowInsecureAuth: false, maxRecipients: 100 };
const user: SubmissionUser = {
  username: 'app',
  tenantId: 'default',
  allowedSenderDomains: ['example.com'],
  maxRecipients: 2,
};
const session = (over: Partial<SMTPServerSession> & { rcpts?: number }): SMTPServerSession =>
  ({
    secure: true,
    envelope: { mailFrom: false, rcptTo: Array.from({ length: over.rcpts ?? 0 }, () => ({})) },
    ...over,
  }) as unknown as SMTPServerSession;

const codeOf = (e: Error | undefined) => e?.message.split(' ')[0];

describe('submission guard dispatcher', () => {
  it('refuses AUTH on a cleartext session with 538 5.7.11 unless insecure auth is allowed', () => {
    const s = session({ secure: false });
    expect(checkGuards({ phase: 'AUTH', session: s }, policy)).toMatchObject({ responseCode: 538 });
    expect(codeOf(checkGuards({ phase: 'AUTH', session: s }, policy))).toBe('5.7.11');
    expect(
      checkGuards({ phase: 'AUTH', session: s }, { ...policy, allowInsecureAuth: true }),
    ).toBeUndefined();
  });

  it('rejects MAIL FROM before AUTH with 530 5.7.0', () => {
    const r = checkGuards(
      { phase: 'MAIL', session: session({}), mailFrom: 'a@example.com' },
      policy,
    );
    expect([r?.responseCode, codeOf(r)]).toEqual([530, '5.7.0']);
  });

  it('refuses a sender outside the credential domains with 550 5.7.1', () => {
    const r = checkGuards(
      { phase: 'MAIL', session: session({ user }), mailFrom: 'a@evil.test' },
      policy,
    );
    expect([r?.responseCode, codeOf(r)]).toEqual([550, '5.7.1']);
    expect(
      checkGuards({ phase: 'MAIL', session: session({ user }), mailFrom: 'a@example.com' }, policy),
    ).toBeUndefined();
  });

  it('answers 452 4.5.3 beyond the lower of the credential and server recipient limits', () => {
    expect(
      checkGuards({ phase: 'RCPT', session: session({ user, rcpts: 1 }) }, policy),
    ).toBeUndefined();
    const r = checkGuards({ phase: 'RCPT', session: session({ user, rcpts: 2 }) }, policy);
    expect([r?.responseCode, codeOf(r)]).toEqual([452, '4.5.3']);
    const tight = checkGuards(
      { phase: 'RCPT', session: session({ user, rcpts: 1 }) },
      { ...policy, maxRecipients: 1 },
    );
    expect(tight?.responseCode).toBe(452);
  });

  it('refuses oversize data with 552 5.3.4 before looking at line endings', () => {
    const r = checkGuards(
      { phase: 'DATA_END', sizeExceeded: true, violation: { kind: 'BARE_LF', offset: 1 } },
      policy,
    );
    expect([r?.responseCode, codeOf(r)]).toEqual([552, '5.3.4']);
  });

  it('refuses data with a bare LF with 550 5.5.2', () => {
    const r = checkGuards(
      { phase: 'DATA_END', sizeExceeded: false, violation: { kind: 'BARE_LF', offset: 1 } },
      policy,
    );
    expect([r?.responseCode, codeOf(r)]).toEqual([550, '5.5.2']);
  });
});
