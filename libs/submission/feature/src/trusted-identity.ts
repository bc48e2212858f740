// Who mail from the trusted listener is submitted as: the credential named by
// POSTLINE_SUBMISSION_TRUSTED_CREDENTIAL. Its tenant, sender domains, recipient
// limit and rates apply exactly as if the client had authenticated as it, so a
// trusted network gets no policy of its own to forget. The credential is read
// from the store and kept for a few seconds: no MongoDB read per message, and
// disabling or changing it still takes effect within that time.
import type { CredentialStore } from './credential.store';
import { credentialUser, type SubmissionUser } from './submission-guards';

/** How long a read of the credential (found or not) is used before it is read again. */
export const TRUSTED_IDENTITY_TTL_MS = 10_000;

export class TrustedIdentity {
  private cached: { user: SubmissionUser | undefined; at: number } | undefined;
  private loading: Promise<SubmissionUser | undefined> | undefined;

  constructor(
    private readonly store: Pick<CredentialStore, 'find'>,
    readonly username: string,
    private readonly ttlMs = TRUSTED_IDENTITY_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The user to submit as; undefined when the credential does not exist or is
   * disabled. Rejects when the store cannot be read (nothing is cached then).
   */
  async user(): Promise<SubmissionUser | undefined> {
    const hit = this.cached;
    if (hit && this.now() - hit.at < this.ttlMs) return hit.user;
    // Sessions asking at the same moment share one read.
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<SubmissionUser | undefined> {
    const cred = await this.store.find(this.username);
    const user = cred?.enabled ? { ...credentialUser(cred), trustedNetwork: true } : undefined;
    this.cached = { user, at: this.now() };
    return user;
  }
}
