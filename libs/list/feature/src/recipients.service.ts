// Reads the recipients of a list for campaigns: members with status
// "subscribed" whose subscriber is globally active and whose address (or its
// domain) is not on the tenant's suppression list, in ascending subscriber id
// order, page by page. Subscribers and suppressions are joined in code (FerretDB
// has no $lookup), and the next page is read while the caller is still sending
// the current one.
import { Inject, Injectable } from '@nestjs/common';
import type { events } from '@postline/contracts';
import type { MembershipRef, SubscriberView } from '@postline/list/data-access';
import type { Types } from 'mongoose';
import { LIST_STORE } from './list-feature.options';
import type { ListStore } from './list-store';
import { suppressionsOf } from './suppression/suppression-match';

export interface RecipientPage {
  recipients: events.Recipient[];
}

interface MemberPage {
  members: MembershipRef[];
  recipients: events.Recipient[];
}

@Injectable()
export class RecipientsService {
  constructor(@Inject(LIST_STORE) private readonly store: ListStore) {}

  /** Pages of recipients strictly after `after`; a page may be empty when all its members are suppressed. */
  async *pages(
    tenantId: string,
    listId: Types.ObjectId,
    after: Types.ObjectId | undefined,
    pageSize: number,
  ): AsyncGenerator<RecipientPage> {
    const read = (cursor: Types.ObjectId | undefined): Promise<MemberPage> =>
      this.readPage(tenantId, listId, cursor, pageSize);
    let pending: Promise<MemberPage> | undefined = read(after);
    try {
      while (pending) {
        const { members, recipients }: MemberPage = await pending;
        // Prefetch: the next query runs while this page is being written to the caller.
        pending =
          members.length === pageSize ? read(members[members.length - 1].subscriberId) : undefined;
        yield { recipients };
      }
    } finally {
      // The caller stopped early (cancelled stream): a prefetch still in flight must not go unhandled.
      pending?.catch(() => undefined);
    }
  }

  /** The number of recipients StreamRecipients would send now; exact, by the same rules. */
  async count(tenantId: string, listId: Types.ObjectId): Promise<number> {
    let n = 0;
    for await (const page of this.pages(tenantId, listId, undefined, 1000))
      n += page.recipients.length;
    return n;
  }

  private async readPage(
    tenantId: string,
    listId: Types.ObjectId,
    after: Types.ObjectId | undefined,
    limit: number,
  ): Promise<MemberPage> {
    const members = await this.store.memberships.page(tenantId, listId, {
      after,
      limit,
      status: 'subscribed',
    });
    const subscribers = await this.store.subscribers.findByIds(
      tenantId,
      members.map((m) => m.subscriberId),
      true,
    );
    const suppressed = await suppressionsOf(
      this.store.suppressions,
      tenantId,
      [...subscribers.values()].map((s) => s.email),
    );
    const recipients: events.Recipient[] = [];
    for (const m of members) {
      const s = subscribers.get(m.subscriberId.toHexString());
      if (s && !suppressed.has(s.email)) recipients.push(toRecipient(s));
    }
    return { members, recipients };
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
