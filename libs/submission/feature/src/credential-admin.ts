// Credential management behind both the REST controller and the gRPC
// CredentialService: one place that caps limits at the server's, hashes and
// generates secrets, pages lists and turns misses into catalogue errors.
// Inputs arrive validated against the DTOs; the answers never carry a secret
// hash, and a secret only when this service generated it.
import { generateSecret, hashSecret } from '@postline/submission/domain';
import { CredentialError, CredentialErrorCode, credentialNotFound } from './credential-errors';
import type { CredentialChanges, CredentialStore, CredentialSummary } from './credential.store';
import type { CreateCredentialDto } from './dto/create-credential.dto';
import { USERNAME_PATTERN } from './dto/credential-fields';
import { DEFAULT_PAGE_SIZE, type ListCredentialsDto } from './dto/list-credentials.dto';
import type { UpdateCredentialDto } from './dto/update-credential.dto';

/** The server's limits: the most a credential may have, and its default. */
export interface CredentialLimits {
  maxRecipients: number;
  messagesPerMinute: number;
  recipientsPerMinute: number;
}

export interface CredentialView {
  username: string;
  tenantId: string;
  allowedSenderDomains: string[];
  maxRecipients: number;
  messagesPerMinute: number;
  recipientsPerMinute: number;
  enabled: boolean;
  createdAt: Date;
  updatedAt?: Date;
}

export interface WithSecret {
  credential: CredentialView;
  /** Only when the caller gave none: the one time it can be read. */
  generatedSecret?: string;
}

export interface CredentialPage {
  credentials: CredentialView[];
  /** Absent on the last page. */
  nextPageToken?: string;
}

export class CredentialAdmin {
  constructor(
    private readonly store: CredentialStore,
    private readonly limits: CredentialLimits,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(input: CreateCredentialDto, tenantId: string): Promise<WithSecret> {
    const generatedSecret = input.secret === undefined ? generateSecret() : undefined;
    const record = {
      username: input.username,
      tenantId: tenantId || 'default',
      allowedSenderDomains: lowerCased(input.allowedSenderDomains),
      maxRecipients: this.capped(input.maxRecipients, 'maxRecipients'),
      messagesPerMinute: this.capped(input.messagesPerMinute, 'messagesPerMinute'),
      recipientsPerMinute: this.capped(input.recipientsPerMinute, 'recipientsPerMinute'),
      enabled: input.enabled ?? true,
      createdAt: this.now(),
    };
    await this.store.create({
      ...record,
      secret: await hashSecret(input.secret ?? generatedSecret!),
    });
    return { credential: this.view(record), generatedSecret };
  }

  async get(username: string): Promise<CredentialView> {
    const found = await this.store.summary(checkedUsername(username));
    if (!found) throw credentialNotFound(username);
    return this.view(found);
  }

  async list(query: ListCredentialsDto): Promise<CredentialPage> {
    const size = query.pageSize || DEFAULT_PAGE_SIZE;
    const after = query.pageToken ? usernameOfToken(query.pageToken) : undefined;
    // One more than the page tells whether another page follows.
    const found = await this.store.list({ tenantId: query.tenantId, after, limit: size + 1 });
    const page = found.slice(0, size).map((c) => this.view(c));
    const last = page[page.length - 1];
    return {
      credentials: page,
      nextPageToken: found.length > size && last ? tokenOf(last.username) : undefined,
    };
  }

  async update(username: string, input: UpdateCredentialDto): Promise<CredentialView> {
    const changes: CredentialChanges = {};
    if (input.allowedSenderDomains)
      changes.allowedSenderDomains = lowerCased(input.allowedSenderDomains);
    for (const key of ['maxRecipients', 'messagesPerMinute', 'recipientsPerMinute'] as const) {
      if (input[key] !== undefined) changes[key] = this.capped(input[key], key);
    }
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    return this.change(username, changes);
  }

  async disable(username: string): Promise<CredentialView> {
    return this.change(username, { enabled: false });
  }

  /** The old secret stops working with the next AUTH; sessions already logged in go on. */
  async rotateSecret(username: string, secret?: string): Promise<WithSecret> {
    checkedUsername(username);
    const generatedSecret = secret === undefined ? generateSecret() : undefined;
    const hash = await hashSecret(secret ?? generatedSecret!);
    return { credential: await this.change(username, { secret: hash }), generatedSecret };
  }

  private async change(username: string, changes: CredentialChanges): Promise<CredentialView> {
    const updated = await this.store.update(checkedUsername(username), changes, this.now());
    if (!updated) throw credentialNotFound(username);
    return this.view(updated);
  }

  private capped(value: number | undefined, key: keyof CredentialLimits): number {
    return Math.min(value ?? this.limits[key], this.limits[key]);
  }

  /** Credentials made before rate limits have none stored: the server's apply. */
  private view(c: CredentialSummary): CredentialView {
    const view: CredentialView = {
      username: c.username,
      tenantId: c.tenantId,
      allowedSenderDomains: [...c.allowedSenderDomains],
      maxRecipients: c.maxRecipients,
      messagesPerMinute: c.messagesPerMinute ?? this.limits.messagesPerMinute,
      recipientsPerMinute: c.recipientsPerMinute ?? this.limits.recipientsPerMinute,
      enabled: c.enabled,
      createdAt: c.createdAt,
    };
    if (c.updatedAt) view.updatedAt = c.updatedAt;
    return view;
  }
}

function lowerCased(domains: string[]): string[] {
  return domains.map((d) => d.toLowerCase());
}

/** A malformed name cannot exist, so it is a bad request rather than a miss. */
function checkedUsername(username: string): string {
  if (!USERNAME_PATTERN.test(username)) {
    throw new CredentialError(
      CredentialErrorCode.InvalidField,
      'username: must be 3 to 128 of A-Z a-z 0-9 . _ @ + -',
      'username',
    );
  }
  return username;
}

/** Page tokens are opaque to callers: the last username of the page, base64url. */
function tokenOf(username: string): string {
  return Buffer.from(username, 'utf8').toString('base64url');
}

function usernameOfToken(token: string): string {
  const username = Buffer.from(token, 'base64url').toString('utf8');
  if (!USERNAME_PATTERN.test(username) || tokenOf(username) !== token) {
    throw new CredentialError(
      CredentialErrorCode.InvalidField,
      'pageToken: not a token this service gave',
      'pageToken',
    );
  }
  return username;
}
