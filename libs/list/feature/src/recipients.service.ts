// Reads the recipients of a list, or of a segment of it, for campaigns:
// members with status "subscribed" whose subscriber is globally active,
// matches the segment, and whose address (or its domain) is not on the
// tenant's suppression list, in ascending subscriber id order, page by page.
// Members and subscribers are joined in code (no $lookup on FerretDB), by the
// strategy that suits the server (see segment/segment-join.ts), and the next
// page is read while the caller is still sending the current one.
import { Inject, Injectable } from '@nestjs/common';
import type { events } from '@postline/contracts';
import type { SubscriberView } from '@postline/list/data-access';
import type { CompiledSegment } from '@postline/list/domain';
import type { Types } from 'mongoose';
import { LIST_FEATURE_OPTIONS, LIST_STORE, type ListFeatureOptions } from './list-feature.options';
import type { ListStore } from './list-store';
import { joinedPages, type JoinStrategy } from './segment/segment-join';
import { suppressionsOf } from './suppression/suppression-match';

export interface RecipientPage {
  recipients: events.Recipient[];
}

/** The whole list: what a stream without a segment sends. */
export const WHOLE_LIST_SEGMENT: CompiledSegment = {
  filter: {},
  lists: [],
  subsets: [],
  empty: false,
};

@Injectable()
export class RecipientsService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    @Inject(LIST_FEATURE_OPTIONS) private readonly options: Pick<ListFeatureOptions, 'streamJoin'>,
  ) {}

  /** The join in use: the configured one, or by server (scan on FerretDB, lookup on MongoDB). */
  get strategy(): JoinStrategy {
    const configured = this.options.streamJoin;
    if (configured !== 'auto') return configured;
    return this.store.server === 'ferretdb' ? 'scan' : 'lookup';
  }

  /** Pages of recipients strictly after `after`; a page may be empty when all its members are left out. */
  async *pages(
    tenantId: string,
    listId: Types.ObjectId,
    after: Types.ObjectId | undefined,
    pageSize: number,
    segment: CompiledSegment = WHOLE_LIST_SEGMENT,
  ): AsyncGenerator<RecipientPage> {
    const source = joinedPages(this.store, this.strategy, {
      tenantId,
      listId,
      segment,
      after,
      pageSize,
    });
    const read = async (): Promise<RecipientPage | undefined> => {
      const r = await source.next();
      return r.done ? undefined : { recipients: await this.unsuppressed(tenantId, r.value) };
    };
    let pending: Promise<RecipientPage | undefined> = read();
    try {
      for (let page = await pending; page !== undefined; page = await pending) {
        // Prefetch: the next page is read while this one is being written to the caller.
        pending = read();
        yield page;
      }
    } finally {
      // The caller stopped early (cancelled stream): settle the prefetch, close the cursors.
      await pending.catch(() => undefined);
      await source.return(undefined);
    }
  }

  /** The number of recipients StreamRecipients would send now; exact, by the same rules. */
  async count(
    tenantId: string,
    listId: Types.ObjectId,
    segment: CompiledSegment = WHOLE_LIST_SEGMENT,
  ): Promise<number> {
    let n = 0;
    for await (const page of this.pages(tenantId, listId, undefined, 1000, segment))
      n += page.recipients.length;
    return n;
  }

  private async unsuppressed(
    tenantId: string,
    subscribers: SubscriberView[],
  ): Promise<events.Recipient[]> {
    if (subscribers.length === 0) return [];
    const suppressed = await suppressionsOf(
      this.store.suppressions,
      tenantId,
      subscribers.map((s) => s.email),
    );
    return subscribers.filter((s) => !suppressed.has(s.email)).map(toRecipient);
  }
}

export function toRecipient(s: SubscriberView): events.Recipient {
  return {
    subscriberId: s._id.toHexString(),
    email: s.email,
    name: s.name ?? '',
    attributes: s.attributes ?? {},
  };
}
