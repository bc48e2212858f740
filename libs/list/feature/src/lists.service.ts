// Lists: create, look up (tenant-scoped), and the guard every list-scoped call
// starts with, which turns a malformed or unknown id into a precise refusal.
import { Inject, Injectable } from '@nestjs/common';
import { parseObjectId, type ListDoc, type OptinMode } from '@postline/list/data-access';
import { ListError, ListErrorCode } from '@postline/list/domain';
import { LIST_STORE } from './list-feature.options';
import type { ListStore } from './list-store';
import type { ListDetailsView, ListView } from './list.views';

@Injectable()
export class ListsService {
  constructor(@Inject(LIST_STORE) private readonly store: ListStore) {}

  async create(tenantId: string, name: string, optin: OptinMode = 'single'): Promise<ListView> {
    const list = await this.store.lists.create(tenantId, name.trim(), optin);
    return listView(list);
  }

  async details(tenantId: string, listId: string): Promise<ListDetailsView> {
    const list = await this.require(tenantId, listId);
    const subscriberCount = await this.store.memberships.countByStatus(
      tenantId,
      list._id,
      'subscribed',
    );
    return { ...listView(list), subscriberCount };
  }

  /** The tenant's list, or ListError INVALID_ID / NOT_FOUND naming the id. */
  async require(tenantId: string, listId: string): Promise<ListDoc> {
    const id = parseObjectId(listId);
    if (!id) {
      throw new ListError(
        ListErrorCode.InvalidId,
        `list id "${clip(listId)}" is not a valid list id (24 hexadecimal characters)`,
      );
    }
    const list = await this.store.lists.find(tenantId, id);
    if (!list) throw new ListError(ListErrorCode.NotFound, `list ${id.toHexString()} not found`);
    return list;
  }
}

function listView(list: ListDoc): ListView {
  return {
    id: list._id.toHexString(),
    name: list.name,
    optin: list.optin ?? 'single',
    createdAt: list.createdAt.toISOString(),
  };
}

/** Echoes caller input in messages without letting it grow them unboundedly. */
export function clip(value: string, max = 64): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
