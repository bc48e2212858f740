// What an operator can do to a running MTA, for every pod at once: see the
// queues per destination, suspend and resume a domain or a whole policy,
// bounce what is queued for a domain, override policies at runtime, and
// reload the policy file. Decisions are written to MongoDB first and then
// applied here; the other pods pick them up on their next sync.
import { randomUUID } from 'node:crypto';
import {
  PolicyBook,
  PolicyDocumentError,
  parsePolicyEntry,
  type DomainPolicy,
} from '@postline/mta/policy';
import type { Logger } from 'pino';
import type { DeliveryEngine } from '../delivery-engine';
import type { MtaControlStore } from './mta-control.store';

export interface DestinationSummary {
  routingKey: string;
  domain: string;
  policy: string;
  matchedBy: string;
  ready: number;
  inFlight: number;
  oldestAgeSeconds: number;
  suspended: boolean;
  mxHosts: string[];
  routeError?: string;
  budgetState?: string;
}

export interface MtaAdminOptions {
  engine: DeliveryEngine;
  store: MtaControlStore;
  /** Reads the policy file (or the built-in defaults) again. */
  loadBasePolicies(): PolicyBook;
  /** Puts a book in force. */
  applyPolicies(book: PolicyBook): void;
  logger: Logger;
  syncIntervalMs: number;
  now?: () => number;
}

export class PolicyOverrideRejected extends Error {
  readonly code = 'MTA_POLICY_INVALID';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'PolicyOverrideRejected';
  }
}

export class MtaAdmin {
  private base: PolicyBook;
  private overrides: DomainPolicy[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastBounceSeen: Date;
  private readonly handledBounces = new Set<string>();
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: MtaAdminOptions) {
    this.base = opts.loadBasePolicies();
    // Requests made before this pod started concerned queues that no longer exist here.
    this.lastBounceSeen = new Date(opts.now?.() ?? Date.now());
  }

  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.opts.syncIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reads overrides, suspensions and bounce requests from MongoDB and applies them (one sync at a time). */
  sync(): Promise<void> {
    this.syncing = this.syncing
      .then(() => this.syncOnce())
      .catch((err) => {
        this.opts.logger.warn(
          { event: 'mta_control_sync_failed', err },
          'could not read operator decisions; keeping the last ones',
        );
      });
    return this.syncing;
  }

  queues(): DestinationSummary[] {
    const { scheduler, destinations } = this.opts.engine;
    const now = Date.now();
    return [...destinations.all()]
      .map((d) => {
        const oldest = scheduler.queues.oldestOf(d.key);
        return {
          routingKey: d.key,
          domain: d.domain,
          policy: d.policy.name,
          matchedBy: d.policy.matchedBy,
          ready: scheduler.queues.sizeOf(d.key),
          inFlight: scheduler.inflightOf(d.key),
          oldestAgeSeconds: oldest === undefined ? 0 : Math.round((now - oldest) / 100) / 10,
          suspended: destinations.isSuspended(d),
          mxHosts: d.route?.mxHosts ?? [],
          routeError: d.routeError?.message,
        };
      })
      .sort((a, b) => b.ready - a.ready || a.routingKey.localeCompare(b.routingKey));
  }

  suspensions(): string[] {
    return this.opts.engine.destinations.suspendedTargets().sort();
  }

  async suspend(target: string, reason: string): Promise<void> {
    await this.opts.store.suspend(target, reason);
    this.opts.engine.destinations.suspend(target);
    this.opts.logger.warn(
      { event: 'mta_suspended', target, reason },
      'destination suspended by operator',
    );
  }

  async resume(target: string): Promise<boolean> {
    const existed = await this.opts.store.resume(target);
    this.opts.engine.destinations.resume(target);
    this.opts.engine.scheduler.wake();
    this.opts.logger.info({ event: 'mta_resumed', target }, 'destination resumed by operator');
    return existed;
  }

  /** Bounces this pod's queue for the domain now, and asks every other pod to do the same. */
  async bounceQueued(domain: string): Promise<number> {
    const id = randomUUID();
    this.handledBounces.add(id);
    await this.opts.store.requestBounce(domain, id);
    const bounced = await this.opts.engine.bounceQueued(domain);
    this.opts.logger.warn(
      { event: 'mta_queue_bounced', domain, bounced },
      'queued mail bounced by operator',
    );
    return bounced;
  }

  policies(): { defaults: unknown; policies: readonly DomainPolicy[]; overrides: string[] } {
    const book = this.base.withOverrides(this.overrides);
    return {
      defaults: book.defaults,
      policies: book.policies,
      overrides: this.overrides.map((o) => o.name),
    };
  }

  /** Validates an override (and that it fits with the other policies), stores it and applies it. */
  async putOverride(name: string, entry: Record<string, unknown>): Promise<DomainPolicy> {
    const policy = this.parseOverride({ ...entry, name });
    const others = this.overrides.filter((o) => o.name !== name);
    try {
      this.base.withOverrides([...others, policy]);
    } catch (e) {
      if (e instanceof PolicyDocumentError) throw new PolicyOverrideRejected(e.problems);
      throw e;
    }
    await this.opts.store.putPolicyOverride(name, { ...entry, name });
    await this.sync();
    return policy;
  }

  async deleteOverride(name: string): Promise<boolean> {
    const existed = await this.opts.store.deletePolicyOverride(name);
    await this.sync();
    return existed;
  }

  /** Reads the policy file again and applies it with the overrides. */
  async reload(): Promise<string[]> {
    try {
      this.base = this.opts.loadBasePolicies();
    } catch (e) {
      if (e instanceof PolicyDocumentError) throw new PolicyOverrideRejected(e.problems);
      throw e;
    }
    await this.sync();
    return this.base.withOverrides(this.overrides).policies.map((p) => p.name);
  }

  private parseOverride(entry: Record<string, unknown>): DomainPolicy {
    try {
      return parsePolicyEntry(entry, `override "${String(entry.name)}"`);
    } catch (e) {
      if (e instanceof PolicyDocumentError) throw new PolicyOverrideRejected(e.problems);
      throw e;
    }
  }

  private async syncOnce(): Promise<void> {
    const { store, engine } = this.opts;
    const [records, suspensions, bounces] = await Promise.all([
      store.policyOverrides(),
      store.suspended(),
      store.bounceRequestsSince(this.lastBounceSeen),
    ]);
    const overrides: DomainPolicy[] = [];
    for (const r of records) {
      try {
        overrides.push(parsePolicyEntry(r.entry, `override "${r._id}"`));
      } catch (e) {
        this.opts.logger.error(
          { event: 'mta_override_invalid', name: r._id, err: e },
          'stored policy override is invalid; ignored',
        );
      }
    }
    this.overrides = overrides;
    this.opts.applyPolicies(this.base.withOverrides(overrides));
    engine.destinations.setSuspended(suspensions.map((s) => s._id));
    engine.scheduler.wake();
    for (const b of bounces) {
      this.lastBounceSeen = b.requestedAt;
      if (this.handledBounces.has(b._id)) continue;
      this.handledBounces.add(b._id);
      const bounced = await engine.bounceQueued(b.domain);
      this.opts.logger.warn(
        { event: 'mta_queue_bounced', domain: b.domain, bounced },
        'queued mail bounced by operator (from another pod)',
      );
    }
  }
}
