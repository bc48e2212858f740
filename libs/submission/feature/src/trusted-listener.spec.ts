// The trusted-network port over loopback sockets: a listed peer submits without
// AUTH or TLS and its mail takes the configured credential's identity and rules
// all the way to the outbound record; any other peer is refused before the
// greeting; a missing credential or an unreadable store answers MAIL with a
// temporary failure; and a trusted network without a credential stops the boot.
import { events } from '@postline/contracts';
import { TrustedNetworksError } from '@postline/submission/domain';
import {
  metricValue,
  RawPeer,
  specCredential,
  specSettings,
  startSpecListener,
  type SpecListener,
} from './listener.spec-support';
import { TrustedListenerConfigError, trustedNetworksOf } from './submission-feature.module';
import type { CredentialStore } from './credential.store';

const TRUSTED = '127.0.0.2';
const trustedSettings = { trustedNetworks: `${TRUSTED}/32`, trustedCredential: 'app' };

describe('trusted-network listener', () => {
  let sut: SpecListener | undefined;
  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  const greeted = async (localAddress = TRUSTED) => {
    const peer = await RawPeer.connect(sut!.port, localAddress);
    expect(await peer.reply()).toMatch(/^220 /);
    return peer;
  };

  it('queues mail from a trusted peer without AUTH, as the configured credential', async () => {
    sut = await startSpecListener(trustedSettings, { kind: 'trusted' });
    const peer = await greeted();
    const ehlo = await peer.command('EHLO app.internal');
    expect(ehlo).not.toMatch(/AUTH|STARTTLS/);
    expect(await peer.command('MAIL FROM:<app@example.com>')).toMatch(/^250 /);
    expect(await peer.command('RCPT TO:<rcpt@one.test>')).toMatch(/^250 /);
    expect(await peer.command('DATA')).toMatch(/^354 /);
    const reply = await peer.command('From: <app@example.com>\r\nSubject: t\r\n\r\nhello\r\n.');
    expect(reply).toMatch(/^250 2\.0\.0 Queued as [0-9a-f]{32}$/);
    peer.close();
    const [outbound] = sut.sent.filter((s) => s.topic === 'mail.outbound.v1');
    const record = events.OutboundMessage.decode(outbound.records[0].value);
    expect(record.tenantId).toBe((await specCredential()).tenantId);
    // Received says ESMTP, not ESMTPA: nobody authenticated.
    expect(Buffer.from(record.rawMime).toString()).toMatch(
      /^Received: from app\.internal \(\[127\.0\.0\.2\]\)\r\n\tby submit\.test \(Postline submission\) with ESMTP\r\n/,
    );
  });

  it("holds trusted mail to the credential's sender domains and recipient limit", async () => {
    sut = await startSpecListener(trustedSettings, { kind: 'trusted' });
    const peer = await greeted();
    await peer.command('EHLO app.internal');
    expect(await peer.command('MAIL FROM:<ceo@bank.example>')).toBe(
      '550 5.7.1 Sender address not allowed for this credential',
    );
    expect(await peer.command('MAIL FROM:<app@example.com>')).toMatch(/^250 /);
    const limit = (await specCredential()).maxRecipients;
    for (let i = 0; i < limit; i++) await peer.command(`RCPT TO:<r${i}@one.test>`);
    expect(await peer.command('RCPT TO:<one-more@one.test>')).toMatch(/^452 4\.5\.3 /);
    peer.close();
  });

  it('refuses a peer outside the trusted networks with 554 5.7.1 instead of a greeting', async () => {
    sut = await startSpecListener(trustedSettings, { kind: 'trusted' });
    const peer = await RawPeer.connect(sut.port, '127.0.0.1');
    expect(await peer.reply()).toBe(
      '554 5.7.1 Access denied: this port accepts mail only from trusted networks',
    );
    await peer.closedByServer();
    expect(
      await metricValue(sut.registry, 'sessions_refused_total{reason="UNTRUSTED_NETWORK"}'),
    ).toBe(1);
    expect(sut.supervisor.activeSessions).toBe(0);
  });

  it('offers no AUTH on the trusted port', async () => {
    sut = await startSpecListener(trustedSettings, { kind: 'trusted' });
    const peer = await greeted();
    await peer.command('EHLO app.internal');
    expect(await peer.command('AUTH PLAIN AGFwcABzZWNyZXQ=')).toMatch(/^5\d\d /);
    peer.close();
  });

  it('answers MAIL with 451 4.3.5 while the trusted credential does not exist', async () => {
    sut = await startSpecListener(
      { ...trustedSettings, trustedCredential: 'nobody' },
      { kind: 'trusted' },
    );
    const peer = await greeted();
    await peer.command('EHLO app.internal');
    expect(await peer.command('MAIL FROM:<app@example.com>')).toBe(
      '451 4.3.5 Sender identity of the trusted listener is not configured or disabled, try again later',
    );
    peer.close();
    expect(sut.sent).toEqual([]);
  });

  it('answers MAIL with 454 4.7.0 when the credential store cannot be read', async () => {
    const store = {
      find: async () => {
        throw new Error('store down');
      },
    } as unknown as CredentialStore;
    sut = await startSpecListener(trustedSettings, { kind: 'trusted', store });
    const peer = await greeted();
    await peer.command('EHLO app.internal');
    expect(await peer.command('MAIL FROM:<app@example.com>')).toBe(
      '454 4.7.0 Temporary authentication failure',
    );
    peer.close();
  });
});

describe('trusted networks at boot', () => {
  it('is off with the default settings', () => {
    expect(trustedNetworksOf(specSettings).enabled).toBe(false);
  });

  it('refuses trusted networks without a credential to submit as', () => {
    expect(() => trustedNetworksOf({ ...specSettings, trustedNetworks: '10.0.0.0/8' })).toThrow(
      TrustedListenerConfigError,
    );
  });

  it('refuses a malformed network, naming it', () => {
    expect(() =>
      trustedNetworksOf({ ...specSettings, trustedNetworks: 'intranet', trustedCredential: 'a' }),
    ).toThrow(TrustedNetworksError);
  });
});
