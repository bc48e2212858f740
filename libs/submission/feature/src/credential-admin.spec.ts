import { verifySecret } from '@postline/submission/domain';
import { CredentialAdmin } from './credential-admin';
import { CredentialError } from './credential-errors';
import type {
  CredentialChanges,
  CredentialRecord,
  CredentialStore,
  CredentialSummary,
} from './credential.store';

/** The store's contract in memory: unique usernames, username order, no hash on reads. */
class MemoryStore {
  readonly records = new Map<string, CredentialRecord>();

  async create(record: CredentialRecord): Promise<void> {
    if (this.records.has(record.username)) throw new CredentialError('CREDENTIAL_EXISTS', 'exists');
    this.records.set(record.username, structuredClone(record));
  }

  async summary(username: string): Promise<CredentialSummary | null> {
    const r = this.records.get(username);
    return r ? withoutSecret(r) : null;
  }

  async list(q: { tenantId?: string; after?: string; limit: number }) {
    return [...this.records.values()]
      .filter(
        (r) => (!q.tenantId || r.tenantId === q.tenantId) && (!q.after || r.username > q.after),
      )
      .sort((a, b) => (a.username < b.username ? -1 : 1))
      .slice(0, q.limit)
      .map(withoutSecret);
  }

  async update(username: string, changes: CredentialChanges, at: Date) {
    const r = this.records.get(username);
    if (!r) return null;
    Object.assign(r, changes, { updatedAt: at });
    return withoutSecret(r);
  }
}

function withoutSecret(r: CredentialRecord): CredentialSummary {
  const { secret: _secret, ...rest } = r;
  return structuredClone(rest);
}

const limits = { maxRecipients: 100, messagesPerMinute: 1000, recipientsPerMinute: 10000 };
const input = { username: 'app-one', allowedSenderDomains: ['Example.COM'] };

function setup() {
  const store = new MemoryStore();
  let clock = 0;
  const admin = new CredentialAdmin(
    store as unknown as CredentialStore,
    limits,
    () => new Date(Date.UTC(2025, 0, 1) + ++clock * 1000),
  );
  return { store, admin };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e instanceof CredentialError ? e.code : String(e)),
  );
}

describe('CredentialAdmin', () => {
  it('creates with the server limits as defaults and caps, lower-casing sender domains', async () => {
    const { admin } = setup();
    const { credential } = await admin.create(
      { ...input, secret: 'given-secret-123', maxRecipients: 500, recipientsPerMinute: 7 },
      '',
    );
    expect(credential).toMatchObject({
      tenantId: 'default',
      allowedSenderDomains: ['example.com'],
      maxRecipients: 100,
      messagesPerMinute: 1000,
      recipientsPerMinute: 7,
      enabled: true,
    });
    expect(credential).not.toHaveProperty('secret');
  });

  it('answers a generated secret only when none was given, and stores only its hash', async () => {
    const { admin, store } = setup();
    const given = await admin.create({ ...input, secret: 'given-secret-123' }, 't1');
    expect(given.generatedSecret).toBeUndefined();
    const made = await admin.create({ ...input, username: 'app-two' }, 't1');
    expect(made.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = store.records.get('app-two')!;
    expect(JSON.stringify(stored)).not.toContain(made.generatedSecret);
    expect(await verifySecret(made.generatedSecret!, stored.secret)).toBe(true);
  });

  it('gets, disables and updates by username; an unknown one is CREDENTIAL_NOT_FOUND', async () => {
    const { admin } = setup();
    await admin.create({ ...input, secret: 'given-secret-123' }, '');
    expect((await admin.get('app-one')).enabled).toBe(true);
    const disabled = await admin.disable('app-one');
    expect(disabled.enabled).toBe(false);
    expect(disabled.updatedAt?.getTime()).toBeGreaterThan(disabled.createdAt.getTime());
    const updated = await admin.update('app-one', {
      enabled: true,
      allowedSenderDomains: ['B.example'],
      messagesPerMinute: 5000,
    });
    expect(updated).toMatchObject({
      enabled: true,
      allowedSenderDomains: ['b.example'],
      messagesPerMinute: 1000,
      maxRecipients: 100,
    });
    expect(await codeOf(admin.get('nobody'))).toBe('CREDENTIAL_NOT_FOUND');
    expect(await codeOf(admin.disable('nobody'))).toBe('CREDENTIAL_NOT_FOUND');
    expect(await codeOf(admin.update('nobody', {}))).toBe('CREDENTIAL_NOT_FOUND');
    expect(await codeOf(admin.rotateSecret('nobody'))).toBe('CREDENTIAL_NOT_FOUND');
  });

  it('refuses a malformed username as a bad field, not a miss', async () => {
    const { admin } = setup();
    expect(await codeOf(admin.get(''))).toBe('INVALID_CREDENTIAL_FIELD');
    expect(await codeOf(admin.rotateSecret('a b'))).toBe('INVALID_CREDENTIAL_FIELD');
  });

  it('rotates the secret: the old one no longer verifies, the new one does', async () => {
    const { admin, store } = setup();
    await admin.create({ ...input, secret: 'given-secret-123' }, '');
    const { generatedSecret } = await admin.rotateSecret('app-one');
    const stored = store.records.get('app-one')!.secret;
    expect(await verifySecret('given-secret-123', stored)).toBe(false);
    expect(await verifySecret(generatedSecret!, stored)).toBe(true);
    const chosen = await admin.rotateSecret('app-one', 'chosen-secret-456');
    expect(chosen.generatedSecret).toBeUndefined();
    expect(await verifySecret('chosen-secret-456', store.records.get('app-one')!.secret)).toBe(
      true,
    );
  });

  it('pages the list in username order, per tenant, and refuses a forged page token', async () => {
    const { admin } = setup();
    for (const name of ['c-app', 'a-app', 'b-app', 'd-app'])
      await admin.create({ ...input, username: name, secret: 'given-secret-123' }, 't1');
    await admin.create({ ...input, username: 'other', secret: 'given-secret-123' }, 't2');
    const first = await admin.list({ tenantId: 't1', pageSize: 3 });
    expect(first.credentials.map((c) => c.username)).toEqual(['a-app', 'b-app', 'c-app']);
    const second = await admin.list({
      tenantId: 't1',
      pageSize: 3,
      pageToken: first.nextPageToken,
    });
    expect(second.credentials.map((c) => c.username)).toEqual(['d-app']);
    expect(second.nextPageToken).toBeUndefined();
    expect((await admin.list({})).credentials).toHaveLength(5);
    expect(await codeOf(admin.list({ pageToken: '!!not-a-token' }))).toBe(
      'INVALID_CREDENTIAL_FIELD',
    );
  });

  it('fills the server rates for credentials stored before rates existed', async () => {
    const { admin, store } = setup();
    await admin.create({ ...input, secret: 'given-secret-123' }, '');
    const r = store.records.get('app-one')!;
    delete r.messagesPerMinute;
    delete r.recipientsPerMinute;
    expect(await admin.get('app-one')).toMatchObject({
      messagesPerMinute: 1000,
      recipientsPerMinute: 10000,
    });
  });
});
