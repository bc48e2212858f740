// Operator view of a list: every member (any status) with subscriber data, in
// stable subscriber id order, paged by cursor.
import { Inject, Injectable } from '@nestjs/common';
import { parseObjectId } from '@postline/list/data-access';
import { ListError, ListErrorCode } from '@postline/list/domain';
import { LIST_STORE } from './list-feature.options';
import type { ListStore } from './list-store';
import type { MemberView, SubscribersPage } from './list.views';
import { clip, ListsService } from './lists.service';

@Injectable()
export class SubscribersQueryService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly lists: ListsService,
  ) {}

  async page(
    tenantId: string,
    listId: string,
    limit: number,
    after?: string,
  ): Promise<SubscribersPage> {
    const list = await this.lists.require(tenantId, listId);
    const cursor = after === undefined || after === '' ? undefined : parseObjectId(after);
    if (after && !cursor)
      throw new ListError(
        ListErrorCode.InvalidCursor,
        `after "${clip(after)}" is not a cursor from this listing`,
      );
    // One extra row tells whether another page follows.
    const members = await this.store.memberships.page(tenantId, list._id, {
      after: cursor,
      limit: limit + 1,
    });
    const pageMembers = members.slice(0, limit);
    const subscribers = await this.store.subscribers.findByIds(
      tenantId,
      pageMembers.map((m) => m.subscriberId),
      false,
    );
    const items: MemberView[] = [];
    for (const m of pageMembers) {
      const s = subscribers.get(m.subscriberId.toHexString());
      if (!s) continue;
      items.push({
        id: s._id.toHexString(),
        email: s.email,
        name: s.name,
        attributes: s.attributes ?? {},
        status: m.status,
        globalStatus: s.globalStatus,
      });
    }
    const last = pageMembers[pageMembers.length - 1];
    return {
      items,
      nextCursor: members.length > limit && last ? last.subscriberId.toHexString() : null,
    };
  }
}
