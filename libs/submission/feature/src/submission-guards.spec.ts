import {
  AuthFailureLimiter,
  ConnectionGate,
  CredentialRates,
  TrustedNetworks,
} from '@postline/submission/domain';
import type { SMTPServerSession } from 'smtp-server';
import {
  SubmissionGuards,
  type GuardCheck,
  type GuardPolicy,
  type SubmissionUser,
} from './submission-guards';
import type { ListenerKind } from './submission.metrics';

const policy: GuardPolicy = {
  allowInsecureAuth: false,
  maxRecipients: 100,
  maxCommandLineBytes: 512,
  rates: { messagesPerMinute: 3, recipientsPerMinute: 4 },
};
const authLimits = {
  windowMs: 60_000,
  maxFailuresPerClient: 2,
  maxFailuresPerUsername: 3,
  lockoutMs: 60_000,
  failureDelayMs: 0,
  maxFailureDelayMs: 0,
};
function guardsWith(over: Partial<GuardPolicy> = {}, maxConnections = 10): SubmissionGuards {
  return new SubmissionGuards(
    { ...policy, ...over },
    new ConnectionGate({ maxConnections, maxConnectionsPerClient: 2 }),
    new AuthFailureLimiter(authLimits),
    new CredentialRates(() => 0),
  );
}
function checkGuards(check: GuardCheck, over: Partial<GuardPolicy> = policy) {
  return guardsWith(over).check(check);
}
const user: SubmissionUser = {
  username: 'app',
  tenantId: 'default',
  allowedSenderDomains: ['example.com'],
  maxRecipients: 2,
};
const session = (
  over: Partial<SMTPServerSession> & { rcpts?: number; smtpUtf8?: boolean },
): SMTPServerSession =>
  ({
    secure: true,
    envelope: {
      mailFrom: false,
      rcptTo: Array.from({ length: over.rcpts ?? 0 }, () => ({})),
      smtpUtf8: over.smtpUtf8,
    },
    ...over,
  }) as unknown as SMTPServerSession;

const codeOf = (e: Error | undefined) => e?.message.split(' ')[0];
/** A new session from `address` (its own limits key) on `listener`. */
const connectCheck = (address: string, listener: ListenerKind = 'submission'): GuardCheck => ({
  phase: 'CONNECT',
  client: address,
  address,
  listener,
});
const dataEnd = {
  phase: 'DATA_END' as const,
  session: session({ user }),
  message: Buffer.from('From: App <app@example.com>\r\nSubject: x\r\n\r\nbody\r\n'),
  sizeExceeded: false,
};

describe('submission guard dispatcher', () => {
  it('refuses AUTH on a cleartext session with 538 5.7.11 unless insecure auth is allowed', () => {
    const s = session({ secure: false });
    const check = { phase: 'AUTH', session: s, client: '192.0.2.1', username: 'app' } as const;
    expect(checkGuards(check)).toMatchObject({ responseCode: 538 });
    expect(codeOf(checkGuards(check))).toBe('5.7.11');
    expect(
      checkGuards(
        { phase: 'AUTH', session: s, client: '192.0.2.1', username: 'app' },
        { allowInsecureAuth: true },
      ),
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

  it('refuses a UTF-8 sender or recipient with 553 5.6.7 unless MAIL FROM declared SMTPUTF8', () => {
    const utf8User = { ...user, allowedSenderDomains: ['bücher.example'] };
    const mail = (smtpUtf8: boolean) =>
      checkGuards(
        {
          phase: 'MAIL',
          session: session({ user: utf8User, smtpUtf8 }),
          mailFrom: 'josé@bücher.example',
        },
        policy,
      );
    expect([mail(false)?.responseCode, codeOf(mail(false))]).toEqual([553, '5.6.7']);
    expect(mail(true)).toBeUndefined();
    const rcpt = (smtpUtf8: boolean) =>
      checkGuards(
        { phase: 'RCPT', session: session({ user, smtpUtf8 }), rcptTo: 'zoë@example.net' },
        policy,
      );
    expect([rcpt(false)?.responseCode, codeOf(rcpt(false))]).toEqual([553, '5.6.7']);
    expect(rcpt(true)).toBeUndefined();
  });

  it('answers 452 4.5.3 beyond the lower of the credential and server recipient limits', () => {
    expect(
      checkGuards(
        { phase: 'RCPT', session: session({ user, rcpts: 1 }), rcptTo: 'r@example.com' },
        policy,
      ),
    ).toBeUndefined();
    const r = checkGuards(
      { phase: 'RCPT', session: session({ user, rcpts: 2 }), rcptTo: 'r@example.com' },
      policy,
    );
    expect([r?.responseCode, codeOf(r)]).toEqual([452, '4.5.3']);
    const tight = checkGuards(
      { phase: 'RCPT', session: session({ user, rcpts: 1 }), rcptTo: 'r@example.com' },
      { maxRecipients: 1 },
    );
    expect(tight?.responseCode).toBe(452);
  });

  it('refuses oversize data with 552 5.3.4 before looking at line endings', () => {
    const r = checkGuards(
      { ...dataEnd, sizeExceeded: true, violation: { kind: 'BARE_LF', offset: 1 } },
      policy,
    );
    expect([r?.responseCode, codeOf(r)]).toEqual([552, '5.3.4']);
  });

  it('refuses data with a bare LF with 550 5.5.2', () => {
    const r = checkGuards({ ...dataEnd, violation: { kind: 'BARE_LF', offset: 1 } }, policy);
    expect([r?.responseCode, codeOf(r)]).toEqual([550, '5.5.2']);
  });

  it('refuses a message with a line over 1000 octets with 500 5.5.2, after smuggling', () => {
    const long = checkGuards({ ...dataEnd, longLine: { offset: 0 } });
    expect([long?.responseCode, codeOf(long)]).toEqual([500, '5.5.2']);
    expect(long?.reason).toBe('DATA_LINE_TOO_LONG');
    const both = checkGuards({
      ...dataEnd,
      longLine: { offset: 0 },
      violation: { kind: 'NUL', offset: 3 },
    });
    expect(both?.reason).toBe('BARE_LF');
  });

  it('answers a command line over 512 octets with 500 5.5.2, but lets AUTH lines reach 12288', () => {
    expect(checkGuards({ phase: 'COMMAND', lineBytes: 510, auth: false })).toBeUndefined();
    const long = checkGuards({ phase: 'COMMAND', lineBytes: 511, auth: false });
    expect([long?.responseCode, codeOf(long)]).toEqual([500, '5.5.2']);
    expect(checkGuards({ phase: 'COMMAND', lineBytes: 12286, auth: true })).toBeUndefined();
    expect(checkGuards({ phase: 'COMMAND', lineBytes: 12287, auth: true })?.responseCode).toBe(500);
  });

  it('refuses new sessions with 421 4.3.2 while draining, before any other connect check', () => {
    const guards = guardsWith();
    for (let i = 0; i < 2; i++) guards.authLimiter.recordFailure('192.0.2.1', 'app');
    guards.gate.startDraining();
    const r = guards.check(connectCheck('192.0.2.1'));
    expect([r?.responseCode, codeOf(r), r?.reason]).toEqual([421, '4.3.2', 'SHUTTING_DOWN']);
  });

  it('refuses a locked-out client at connect with 421 4.7.0', () => {
    const guards = guardsWith();
    for (let i = 0; i < 2; i++) guards.authLimiter.recordFailure('192.0.2.1', `u${i}`);
    const r = guards.check(connectCheck('192.0.2.1'));
    expect([r?.responseCode, codeOf(r), r?.reason]).toEqual([421, '4.7.0', 'AUTH_LOCKED']);
    expect(guards.check(connectCheck('192.0.2.2'))).toBeUndefined();
  });

  it('refuses connections over the overall and per-address bounds with 421 4.7.0', () => {
    const guards = guardsWith({}, 3);
    guards.gate.open('a');
    guards.gate.open('a');
    expect(guards.check(connectCheck('a'))?.reason).toBe('TOO_MANY_CONNECTIONS_FROM_IP');
    guards.gate.open('b');
    const r = guards.check(connectCheck('c'));
    expect([r?.responseCode, codeOf(r), r?.reason]).toEqual([421, '4.7.0', 'TOO_MANY_CONNECTIONS']);
  });

  it('refuses a peer outside the trusted networks on the trusted port with 554 5.7.1', () => {
    const guards = guardsWith({ trustedNetworks: TrustedNetworks.parse('10.0.0.0/8') });
    const r = guards.check(connectCheck('192.0.2.1', 'trusted'));
    expect([r?.responseCode, codeOf(r), r?.reason]).toEqual([554, '5.7.1', 'UNTRUSTED_NETWORK']);
    expect(guards.check(connectCheck('10.1.2.3', 'trusted'))).toBeUndefined();
    // The other ports do not look at the trusted networks.
    expect(guards.check(connectCheck('192.0.2.1'))).toBeUndefined();
  });

  it('refuses every peer on the trusted port when no trusted networks are set', () => {
    expect(checkGuards(connectCheck('127.0.0.1', 'trusted'))?.reason).toBe('UNTRUSTED_NETWORK');
  });

  it('holds trusted peers on the trusted port to the overall session bound only, and ignores their AUTH lockout', () => {
    const guards = guardsWith({ trustedNetworks: TrustedNetworks.parse('10.0.0.0/8') }, 3);
    for (let i = 0; i < 2; i++) guards.authLimiter.recordFailure('10.0.0.5', `u${i}`);
    expect(guards.check(connectCheck('10.0.0.5'))?.reason).toBe('AUTH_LOCKED');
    expect(guards.check(connectCheck('10.0.0.5', 'trusted'))).toBeUndefined();
    guards.gate.open('10.0.0.5', false);
    guards.gate.open('10.0.0.5', false);
    expect(guards.check(connectCheck('10.0.0.5', 'trusted'))).toBeUndefined();
    guards.gate.open('10.0.0.5', false);
    expect(guards.check(connectCheck('10.0.0.5', 'trusted'))?.reason).toBe('TOO_MANY_CONNECTIONS');
  });

  it('refuses AUTH for a locked username with 421 4.7.0 before verifying anything', () => {
    const guards = guardsWith();
    for (let i = 0; i < 3; i++) guards.authLimiter.recordFailure(`192.0.2.${i}`, 'app');
    const r = guards.check({
      phase: 'AUTH',
      session: session({}),
      client: '192.0.2.100',
      username: 'APP',
    });
    expect([r?.responseCode, codeOf(r)]).toEqual([421, '4.7.0']);
  });

  it('answers a failed AUTH with 535 5.7.8, or 421 4.7.0 when it started a lockout', () => {
    const failed = checkGuards({ phase: 'AUTH_FAILED', outcome: { delayMs: 0 } });
    expect([failed?.responseCode, codeOf(failed)]).toEqual([535, '5.7.8']);
    const locked = checkGuards({
      phase: 'AUTH_FAILED',
      outcome: { delayMs: 0, lockout: 'client' },
    });
    expect([locked?.responseCode, codeOf(locked)]).toEqual([421, '4.7.0']);
  });

  it('accepts a message whose From is in the credential domains', () => {
    expect(checkGuards(dataEnd)).toBeUndefined();
  });

  it('refuses a From outside the credential domains with 550 5.7.1 naming the domain', () => {
    const r = checkGuards({
      ...dataEnd,
      message: Buffer.from('From: boss@evil.test\r\n\r\nbody\r\n'),
    });
    expect(r?.message).toBe(
      '5.7.1 From header address not allowed for this credential (From domain evil.test is not a sender domain of this credential)',
    );
    expect(r?.responseCode).toBe(550);
  });

  it('refuses a message without a From field with 550 5.6.0', () => {
    const r = checkGuards({ ...dataEnd, message: Buffer.from('Subject: x\r\n\r\nbody\r\n') });
    expect([r?.responseCode, codeOf(r), r?.reason]).toEqual([550, '5.6.0', 'FROM_HEADER_INVALID']);
  });

  it('answers 450 4.7.1 at MAIL once the credential sent its messages for the minute', () => {
    const guards = guardsWith();
    const s = session({ user });
    const mail = { phase: 'MAIL', session: s, mailFrom: 'a@example.com' } as const;
    for (let i = 0; i < 3; i++) {
      expect(guards.check(mail)).toBeUndefined();
      guards.rates.recordAccepted('default/app', 1);
    }
    const r = guards.check(mail);
    expect([r?.responseCode, codeOf(r), r?.reason]).toEqual([450, '4.7.1', 'RATE_LIMITED']);
    expect(r?.message).toMatch(/\(3 messages per minute\)$/);
  });

  it('answers 450 4.7.1 at RCPT when this recipient would pass the per-minute recipient rate', () => {
    const guards = guardsWith();
    const roomy = { ...user, maxRecipients: 100 };
    guards.rates.recordAccepted('default/app', 2);
    expect(
      guards.check({
        phase: 'RCPT',
        session: session({ user: roomy, rcpts: 1 }),
        rcptTo: 'r@example.com',
      }),
    ).toBeUndefined();
    const r = guards.check({
      phase: 'RCPT',
      session: session({ user: roomy, rcpts: 2 }),
      rcptTo: 'r@example.com',
    });
    expect([r?.responseCode, r?.reason]).toEqual([450, 'RATE_LIMITED']);
  });

  it("holds a credential to its own lower rate, never above the server's", () => {
    const guards = guardsWith();
    expect(guards.limitsOf({ ...user, messagesPerMinute: 1 }).messagesPerMinute).toBe(1);
    expect(guards.limitsOf({ ...user, messagesPerMinute: 99 }).messagesPerMinute).toBe(3);
    expect(guards.limitsOf(user)).toEqual({ messagesPerMinute: 3, recipientsPerMinute: 4 });
  });
});
