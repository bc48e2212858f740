// GDPR for one subscriber of a tenant. Access (Art. 15): everything the list
// service holds about the person — the subscriber, its engagement, every
// membership, the consent ledger and the suppression entries that apply.
// Erasure (Art. 17): the address is first suppressed by hash (so nothing can
// mail it even if a later step fails), memberships are ended and announced,
// then memberships, ledger and subscriber are deleted; the hash entry is all
// that remains, and it keeps the address out of later imports and streams.
import { Inject, Injectable } from '@nestjs/common';
import { parseObjectId, type SubscriberDoc } from '@postline/list/data-access';
import { addressTarget, ListError, ListErrorCode } from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { LIST_STORE } from '../list-feature.options';
import type { ListStore } from '../list-store';
import { ListMetrics } from '../list.metrics';
import { clip } from '../lists.service';
import { suppressionDoc, suppressionView } from '../suppression/suppression-doc';
import { suppressionsOf } from '../suppression/suppression-match';
import { UnsubscribeService } from '../unsubscribe/unsubscribe.service';
import type { ErasureResult, SubscriberExport } from './subscriber-export';

@Injectable()
export class SubscriberPrivacyService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly unsubscribe: UnsubscribeService,
    private readonly metrics: ListMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async export(tenantId: string, subscriberId: string): Promise<SubscriberExport> {
    const s = await this.require(tenantId, subscriberId);
    const [memberships, ledger, suppressed] = await Promise.all([
      this.store.memberships.ofSubscribers(tenantId, [s._id]),
      this.store.consent.ofSubscriber(tenantId, s._id),
      suppressionsOf(this.store.suppressions, tenantId, [s.email]),
    ]);
    const names = await this.listNames(
      tenantId,
      memberships.map((m) => m.listId),
    );
    const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);
    const e = s.engagement ?? {};
    this.logger.info(
      { event: 'subscriber_exported', tenantId, subscriberId: s._id.toHexString() },
      'subscriber data exported',
    );
    return {
      exportedAt: new Date().toISOString(),
      subscriber: {
        id: s._id.toHexString(),
        email: s.email,
        name: s.name,
        attributes: s.attributes ?? {},
        globalStatus: s.globalStatus,
        createdAt: iso(s.createdAt)!,
        updatedAt: iso(s.updatedAt)!,
      },
      engagement: {
        opens: e.opens ?? 0,
        clicks: e.clicks ?? 0,
        lastOpenAt: iso(e.lastOpenAt) ?? null,
        lastClickAt: iso(e.lastClickAt) ?? null,
        softBounceStreak: e.softBounceStreak ?? 0,
      },
      memberships: memberships.map((m) => ({
        listId: m.listId.toHexString(),
        listName: names.get(m.listId.toHexString()) ?? null,
        status: m.status,
        subscribedAt: iso(m.createdAt)!,
        ...(m.confirmedAt ? { confirmedAt: iso(m.confirmedAt) } : {}),
        ...(m.unsubscribedAt ? { unsubscribedAt: iso(m.unsubscribedAt) } : {}),
        ...(m.unsubscribeSource ? { unsubscribeSource: m.unsubscribeSource } : {}),
      })),
      consent: ledger.map((r) => ({
        action: r.action,
        listId: r.listId.toHexString(),
        source: r.source,
        at: iso(r.at)!,
        ...(r.ip ? { ip: r.ip } : {}),
        ...(r.userAgent ? { userAgent: r.userAgent } : {}),
        ...(r.formText ? { formText: r.formText } : {}),
        ...(r.ref ? { ref: r.ref } : {}),
      })),
      suppressions: (suppressed.get(s.email) ?? []).map(suppressionView),
    };
  }

  async erase(tenantId: string, subscriberId: string): Promise<ErasureResult> {
    const s = await this.require(tenantId, subscriberId);
    const now = new Date();
    const entry = suppressionDoc(tenantId, addressTarget(s.email), 'erased', 'erasure', now);
    await this.store.suppressions.markErased(entry);
    this.metrics.suppressed('erased');
    const [ended] = await this.unsubscribe.apply(
      [{ tenantId, subscriberId: s._id, cause: 'erasure', at: now }],
      'erasure',
    );
    await this.store.memberships.deleteOfSubscriber(tenantId, s._id);
    const consentRecords = await this.store.consent.deleteOfSubscriber(tenantId, s._id);
    // Last: while the subscriber exists, a failed erasure can simply be repeated.
    await this.store.subscribers.delete(s._id);
    this.logger.info(
      {
        event: 'subscriber_erased',
        tenantId,
        subscriberId: s._id.toHexString(),
        memberships: ended.matched,
        consentRecords,
      },
      'subscriber erased',
    );
    return {
      id: s._id.toHexString(),
      erased: true,
      membershipsRemoved: ended.matched,
      consentRecordsRemoved: consentRecords,
      suppression: suppressionView(entry),
    };
  }

  private async require(tenantId: string, subscriberId: string): Promise<SubscriberDoc> {
    const id = parseObjectId(subscriberId);
    if (!id) {
      throw new ListError(
        ListErrorCode.InvalidId,
        `subscriber id "${clip(subscriberId)}" is not a valid subscriber id (24 hexadecimal characters)`,
      );
    }
    const s = await this.store.subscribers.findById(tenantId, id);
    if (!s) throw new ListError(ListErrorCode.NotFound, `subscriber ${id.toHexString()} not found`);
    return s;
  }

  private async listNames(tenantId: string, ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const unique = [...new Map(ids.map((id) => [id.toHexString(), id])).values()];
    const lists = await Promise.all(unique.map((id) => this.store.lists.find(tenantId, id)));
    return new Map(lists.flatMap((l) => (l ? [[l._id.toHexString(), l.name] as const] : [])));
  }
}
