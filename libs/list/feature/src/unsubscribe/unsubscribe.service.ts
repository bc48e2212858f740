// Ends list memberships: one list (one-click unsubscribe with a list in its
// token) or every list of the tenant (an UNSUBSCRIBED delivery event, which
// names no list; an erasure), and records each in the consent ledger. The SubscriberEvent goes out before the
// membership changes, with an id derived from the cause, so a retry after a
// crash re-announces under the same id and a replay of a finished unsubscribe
// finds nothing to change and announces nothing.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsentRecordDoc, MembershipDoc } from '@postline/list/data-access';
import { ListError, ListErrorCode } from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { unsubscribedRecord, type RequestEvidence } from '../consent/consent-records';
import { ListEventsPublisher, type UnsubscribedFact } from '../list-events.publisher';
import { LIST_STORE } from '../list-feature.options';
import type { ListStore } from '../list-store';
import { ListMetrics, type UnsubscribeSource } from '../list.metrics';

export interface UnsubscribeRequest {
  tenantId: string;
  subscriberId: Types.ObjectId;
  /** One list; absent means every list of the tenant. */
  listId?: Types.ObjectId;
  /** Delivery event id, token message id, "erasure": part of the event id. */
  cause: string;
  at: Date;
  /** IP address and user agent of an HTTP request (one-click), for the consent ledger. */
  evidence?: RequestEvidence;
}

export interface UnsubscribeOutcome {
  /** Memberships the request covers, whatever their status. */
  matched: number;
  /** Memberships this request ended (0 for a replay). */
  ended: number;
}

@Injectable()
export class UnsubscribeService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly publisher: ListEventsPublisher,
    private readonly metrics: ListMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Applies the requests in order; throws ListError EVENTS_UNAVAILABLE when Kafka refuses (nothing changed). */
  async apply(
    requests: UnsubscribeRequest[],
    source: UnsubscribeSource,
  ): Promise<UnsubscribeOutcome[]> {
    const memberships = await this.membershipsOf(requests);
    const claimed = new Set<string>();
    const facts: UnsubscribedFact[] = [];
    const changes: Array<{ id: Types.ObjectId; at: Date }> = [];
    const records: ConsentRecordDoc[] = [];
    const outcomes = requests.map((r) => {
      const covered = (
        memberships.get(`${r.tenantId}/${r.subscriberId.toHexString()}`) ?? []
      ).filter((m) => !r.listId || m.listId.equals(r.listId));
      let ended = 0;
      for (const m of covered) {
        const id = m._id.toHexString();
        // A second request for the same membership in one call (two events, one batch) ends nothing more.
        if (m.status === 'unsubscribed' || claimed.has(id)) continue;
        claimed.add(id);
        ended++;
        changes.push({ id: m._id, at: r.at });
        records.push(unsubscribedRecord(m, source, r.cause, r.at, r.evidence));
        facts.push({
          tenantId: r.tenantId,
          listId: m.listId.toHexString(),
          subscriberId: m.subscriberId.toHexString(),
          membershipId: id,
          cause: r.cause,
          occurredAt: r.at,
        });
      }
      return { matched: covered.length, ended };
    });
    await this.announce(facts);
    // The ledger entry comes before the status change: a crash in between leaves the membership
    // subscribed, and the retry (same ids) completes both.
    if (source !== 'erasure') await this.store.consent.append(records);
    await this.store.memberships.markUnsubscribed(changes, source);
    this.metrics.unsubscribes.inc({ source }, changes.length);
    if (changes.length > 0) {
      this.logger.info(
        { event: 'unsubscribed', source, memberships: changes.length },
        'memberships ended',
      );
    }
    return outcomes;
  }

  private async membershipsOf(
    requests: UnsubscribeRequest[],
  ): Promise<Map<string, MembershipDoc[]>> {
    const byTenant = new Map<string, Types.ObjectId[]>();
    for (const r of requests)
      byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r.subscriberId]);
    const out = new Map<string, MembershipDoc[]>();
    for (const [tenantId, ids] of byTenant) {
      for (const m of await this.store.memberships.ofSubscribers(tenantId, ids)) {
        const key = `${tenantId}/${m.subscriberId.toHexString()}`;
        out.set(key, [...(out.get(key) ?? []), m]);
      }
    }
    return out;
  }

  private async announce(facts: UnsubscribedFact[]): Promise<void> {
    try {
      await this.publisher.unsubscribed(facts);
      this.metrics.subscriberEvents.inc({ result: 'produced' }, facts.length);
    } catch (e) {
      this.metrics.subscriberEvents.inc({ result: 'failed' }, facts.length);
      this.logger.error(
        { event: 'subscriber_event_failed', count: facts.length, err: e },
        'producing unsubscribe SubscriberEvents failed',
      );
      throw new ListError(
        ListErrorCode.EventsUnavailable,
        'the unsubscribe could not be recorded (event bus unavailable); nothing was changed, retry later',
      );
    }
  }
}
