// AUTH brute-force limits over loopback sockets: a client is cut off after N
// failures and refused at connect while locked, other addresses still log in,
// usernames lock out against distributed guessing, and an unknown username is
// answered exactly like a wrong secret.
import type { SecretHash } from '@postline/submission/domain';
import {
  authPlainLine,
  metricValue,
  RawPeer,
  SPEC_SECRET,
  specCredential,
  startSpecListener,
  type SpecListener,
} from './listener.spec-support';

const limits = (perClient: number, perUsername: number) => ({
  authLimits: {
    windowMs: 60_000,
    maxFailuresPerClient: perClient,
    maxFailuresPerUsername: perUsername,
    lockoutMs: 60_000,
    failureDelayMs: 1,
    maxFailureDelayMs: 4,
  },
});

async function greeted(port: number, localAddress?: string): Promise<RawPeer> {
  const peer = await RawPeer.connect(port, localAddress);
  const greeting = await peer.reply();
  if (!greeting.startsWith('220')) throw Object.assign(new Error(greeting), { greeting });
  await peer.command('EHLO c.test');
  return peer;
}

describe('AUTH brute-force limits', () => {
  let sut: SpecListener | undefined;
  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  it('answers N-1 failures with 535, closes on the Nth with 421 4.7.0, then refuses the address at connect', async () => {
    sut = await startSpecListener(limits(5, 100));
    const peer = await greeted(sut.port);
    const replies = [];
    for (let i = 0; i < 5; i++)
      replies.push(await peer.command(authPlainLine('app', `wrong-${i}`)));
    expect(replies.slice(0, 4)).toEqual(
      Array(4).fill('535 5.7.8 Authentication credentials invalid'),
    );
    expect(replies[4]).toBe('421 4.7.0 Too many authentication failures, try again later');
    await peer.closedByServer();

    const again = await RawPeer.connect(sut.port);
    expect(await again.reply()).toBe('421 4.7.0 Too many authentication failures, try again later');
    const other = await greeted(sut.port, '127.0.0.2');
    expect(await other.command(authPlainLine('app', SPEC_SECRET))).toMatch(/^235 /);
    other.close();

    expect(await metricValue(sut.registry, 'auth_lockouts_total{scope="client"}')).toBe(1);
    expect(await metricValue(sut.registry, 'auth_lockouts_active{scope="client"}')).toBe(1);
    expect(await metricValue(sut.registry, 'auth_attempts_total{result="failure"}')).toBe(5);
    expect(await metricValue(sut.registry, 'sessions_refused_total{reason="AUTH_LOCKED"}')).toBe(1);
  });

  it('locks a username guessed from many addresses, except for an address that logged in as it before', async () => {
    sut = await startSpecListener(limits(100, 3));
    const trusted = await greeted(sut.port, '127.0.0.9');
    expect(await trusted.command(authPlainLine('app', SPEC_SECRET))).toMatch(/^235 /);
    trusted.close();
    const replies = [];
    for (let i = 2; i <= 4; i++) {
      const peer = await greeted(sut.port, `127.0.0.${i}`);
      replies.push(await peer.command(authPlainLine('app', 'wrong')));
      peer.close();
    }
    expect(replies[2]).toBe('421 4.7.0 Too many authentication failures, try again later');
    const fresh = await greeted(sut.port, '127.0.0.5');
    expect(await fresh.command(authPlainLine('APP', SPEC_SECRET))).toBe(
      '421 4.7.0 Too many authentication failures, try again later',
    );
    const back = await greeted(sut.port, '127.0.0.9');
    expect(await back.command(authPlainLine('app', SPEC_SECRET))).toMatch(/^235 /);
    back.close();
    expect(await metricValue(sut.registry, 'auth_lockouts_total{scope="username"}')).toBe(1);
    expect(await metricValue(sut.registry, 'auth_attempts_total{result="locked"}')).toBe(1);
  });

  it('answers an unknown username exactly like a wrong secret, after one secret check each', async () => {
    const checked: SecretHash[] = [];
    const real = (await specCredential()).secret;
    sut = await startSpecListener(limits(100, 100), {
      verifySecret: async (secret, stored) => {
        checked.push(stored);
        return stored === real && secret === SPEC_SECRET;
      },
    });
    const peer = await greeted(sut.port);
    const unknown = await peer.command(authPlainLine('nobody', 'whatever'));
    const wrong = await peer.command(authPlainLine('app', 'whatever'));
    expect(unknown).toBe(wrong);
    expect(checked).toHaveLength(2);
    expect(checked[0]).not.toBe(real);
    expect(checked[1]).toBe(real);
    peer.close();
  });

  it('counts AUTH LOGIN failures like AUTH PLAIN ones', async () => {
    sut = await startSpecListener(limits(2, 100));
    const peer = await greeted(sut.port);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(await peer.command('AUTH LOGIN')).toMatch(/^334 /);
    expect(await peer.command(b64('app'))).toMatch(/^334 /);
    expect(await peer.command(b64('wrong'))).toMatch(/^535 /);
    expect(await peer.command(`AUTH LOGIN ${b64('app')}`)).toMatch(/^334 /);
    expect(await peer.command(b64('wrong'))).toMatch(/^421 4\.7\.0 /);
  });
});
