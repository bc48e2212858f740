// What the MTA knows about each routing key it has mail for: where the mail
// goes (route, resolved once and refreshed in the background), which policy
// governs it (by domain, suffix or MX rollup), whether an operator suspended
// it, and the gate that asks the policy's budget — connections, then rate —
// before the queue manager starts one more message for it.
import type { GateVerdict } from '@postline/mta/queue';
import type { PolicyBook, ResolvedPolicy } from '@postline/mta/policy';
import {
  DnsTemporaryError,
  RoutingError,
  type NextHopResolver,
  type Route,
} from '@postline/mta/routing';
import type { BudgetRegistry, ConnectionLease } from '@postline/mta/throttle';
import { OTHER_DOMAIN_CLASS } from './mta.metrics';

export interface Destination {
  readonly key: string;
  readonly domain: string;
  route?: Route;
  routeError?: RoutingError;
  policy: ResolvedPolicy;
  /** Leases granted by the gate, taken by the deliveries it let start (FIFO). */
  readonly leases: ConnectionLease[];
  resolving: boolean;
  refreshAt: number;
}

export interface DestinationsOptions {
  resolver: Pick<NextHopResolver, 'resolveRoute'>;
  policies: () => PolicyBook;
  budgets: BudgetRegistry;
  /** Called when a destination's route becomes known, so the scheduler looks at it again. */
  onReady(key: string): void;
  /** How often a known route is looked up again (the resolver's cache decides whether DNS is asked). */
  refreshMs: number;
  now?: () => number;
}

export class Destinations {
  private readonly byKey = new Map<string, Destination>();
  private readonly suspended = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly opts: DestinationsOptions) {
    this.now = opts.now ?? Date.now;
  }

  get(key: string, domain: string): Destination {
    let d = this.byKey.get(key);
    if (!d) {
      d = {
        key,
        domain,
        policy: this.opts.policies().forDomain(key),
        leases: [],
        resolving: false,
        refreshAt: 0,
      };
      this.byKey.set(key, d);
    }
    return d;
  }

  find(key: string): Destination | undefined {
    return this.byKey.get(key);
  }

  all(): IterableIterator<Destination> {
    return this.byKey.values();
  }

  /** The metrics label for a destination: its policy's name, or "other" under the defaults. */
  domainClass(d: Destination): string {
    return d.policy.matchedBy === 'default' ? OTHER_DOMAIN_CLASS : d.policy.name;
  }

  /** Suspends a domain (all its shards) or a whole policy by name ("policy:gmail"). */
  suspend(target: string): void {
    this.suspended.add(target);
  }

  resume(target: string): boolean {
    return this.suspended.delete(target);
  }

  /** Replaces the suspended set with the operators' current list. */
  setSuspended(targets: readonly string[]): void {
    this.suspended.clear();
    for (const t of targets) this.suspended.add(t);
  }

  suspendedTargets(): string[] {
    return [...this.suspended];
  }

  isSuspended(d: Destination): boolean {
    return (
      this.suspended.has(d.domain) ||
      this.suspended.has(d.key) ||
      this.suspended.has(`policy:${d.policy.name}`)
    );
  }

  /** Re-resolves every policy (after a reload or an admin change). */
  reapplyPolicies(): void {
    for (const d of this.byKey.values()) d.policy = this.resolvePolicy(d);
  }

  /** The scheduler's gate for one key. A lease it grants waits in `leases` for the delivery it allowed. */
  gate(key: string): GateVerdict {
    const d = this.byKey.get(key);
    if (!d) return { ok: true };
    if (this.isSuspended(d)) return { ok: false, suspended: true };
    if (!d.route && !d.routeError) {
      this.resolve(d);
      return { ok: false };
    }
    if (this.now() >= d.refreshAt) this.resolve(d);
    // A domain that cannot receive mail is answered without using any budget.
    if (d.routeError) return { ok: true };
    const budget = this.opts.budgets.budgetFor(d.policy);
    const lease = budget.tryAcquireConnection();
    if (!lease) return { ok: false };
    const take = budget.tryTake();
    if (!take.ok) {
      lease.release();
      return { ok: false, retryInMs: take.retryInMs };
    }
    d.leases.push(lease);
    return { ok: true };
  }

  /**
   * How long a slow destination needs to send `queued` messages: from its rate (or backoff rate),
   * or a fixed 5 minutes while suspended. Undefined for a destination that sends as fast as it can,
   * whose queue drains by itself.
   */
  drainEstimateMs(d: Destination, queued: number): number | undefined {
    if (this.isSuspended(d)) return 5 * 60_000;
    if (d.routeError) return undefined;
    const rates = this.opts.budgets.budgetFor(d.policy).rates();
    const perMs = Math.min(
      rates.perMinute === undefined ? Infinity : rates.perMinute / 60_000,
      rates.perHour === undefined ? Infinity : rates.perHour / 3_600_000,
    );
    if (!Number.isFinite(perMs) || perMs <= 0) return undefined;
    return Math.ceil(queued / perMs);
  }

  /** Feeds a reply to the destination's budget (backoff mode); true when it armed backoff. */
  observe(d: Destination, reply: { code: number; enhancedCode: string; text: string }): boolean {
    return this.opts.budgets.budgetFor(d.policy).observe(reply);
  }

  /** Forgets destinations with nothing queued or in flight (called with the scheduler's view). */
  sweep(isBusy: (key: string) => boolean): void {
    for (const [key, d] of this.byKey) {
      if (!isBusy(key) && d.leases.length === 0 && !d.resolving) this.byKey.delete(key);
    }
  }

  private resolvePolicy(d: Destination): ResolvedPolicy {
    const book = this.opts.policies();
    return d.route ? book.forMx(d.key, d.route.mxHosts) : book.forDomain(d.key);
  }

  private resolve(d: Destination): void {
    if (d.resolving) return;
    d.resolving = true;
    d.refreshAt = this.now() + this.opts.refreshMs;
    this.opts.resolver
      .resolveRoute(d.domain)
      .then(
        (route) => {
          d.route = route;
          d.routeError = undefined;
          d.policy = this.resolvePolicy(d);
        },
        (e: unknown) => {
          const err = e instanceof RoutingError ? e : new DnsTemporaryError(d.domain, String(e));
          // Keep a working route through a passing DNS hiccup; a permanent answer replaces it.
          if (!d.route || err.permanent) {
            d.route = undefined;
            d.routeError = err;
          }
        },
      )
      .finally(() => {
        d.resolving = false;
        this.opts.onReady(d.key);
      });
  }
}
