import type { CredentialRecord } from './credential.store';
import { TrustedIdentity } from './trusted-identity';

const record = (over: Partial<CredentialRecord> = {}): CredentialRecord => ({
  username: 'relay',
  tenantId: 'acme',
  secret: { algorithm: 'scrypt', salt: 's', hash: 'h', N: 1024, r: 8, p: 1 },
  allowedSenderDomains: ['acme.example'],
  maxRecipients: 50,
  messagesPerMinute: 600,
  enabled: true,
  createdAt: new Date(0),
  ...over,
});

function storeOf(answers: Array<CredentialRecord | null | Error>) {
  const calls: string[] = [];
  return {
    calls,
    find: async (username: string) => {
      calls.push(username);
      const next = answers.shift() ?? null;
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

describe('TrustedIdentity', () => {
  it("gives the credential's tenant, sender domains and limits, marked as trusted-network", async () => {
    const identity = new TrustedIdentity(storeOf([record()]), 'relay');
    expect(await identity.user()).toEqual({
      username: 'relay',
      tenantId: 'acme',
      allowedSenderDomains: ['acme.example'],
      maxRecipients: 50,
      messagesPerMinute: 600,
      recipientsPerMinute: undefined,
      trustedNetwork: true,
    });
  });

  it('reads the store once per period, and again after it', async () => {
    let now = 0;
    const store = storeOf([record(), record({ enabled: false })]);
    const identity = new TrustedIdentity(store, 'relay', 1000, () => now);
    await Promise.all([identity.user(), identity.user()]);
    now = 999;
    expect((await identity.user())?.username).toBe('relay');
    expect(store.calls).toEqual(['relay']);
    now = 1000;
    // Disabled since: no identity, so MAIL is refused.
    expect(await identity.user()).toBeUndefined();
    expect(store.calls).toHaveLength(2);
  });

  it('has no identity for a missing credential', async () => {
    expect(await new TrustedIdentity(storeOf([null]), 'relay').user()).toBeUndefined();
  });

  it('passes a store failure on and does not keep it', async () => {
    const store = storeOf([new Error('down'), record()]);
    const identity = new TrustedIdentity(store, 'relay');
    await expect(identity.user()).rejects.toThrow('down');
    expect((await identity.user())?.tenantId).toBe('acme');
  });
});
