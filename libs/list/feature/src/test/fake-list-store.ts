// In-memory stand-in for the list store, with the same contracts the
// repositories give (unique address per tenant, one membership per list and
// subscriber), for unit tests of the services' write ordering and undo paths.
import type {
  ListDoc,
  MembershipDoc,
  MembershipStatus,
  SubscriberDoc,
} from '@postline/list/data-access';
import { newObjectId } from '@postline/list/data-access';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { ListStore } from '../list-store';

export class FakeListStore {
  readonly lists: ListDoc[] = [];
  readonly subscribers: SubscriberDoc[] = [];
  readonly memberships: MembershipDoc[] = [];

  addList(tenantId = 't1'): ListDoc {
    const list = { _id: newObjectId(), tenantId, name: 'L', createdAt: new Date() };
    this.lists.push(list);
    return list;
  }

  store(): ListStore {
    const hex = (id: Types.ObjectId) => id.toHexString();
    const subscriberInsert = (doc: SubscriberDoc) => {
      if (this.subscribers.some((s) => s.tenantId === doc.tenantId && s.email === doc.email))
        return false;
      this.subscribers.push(doc);
      return true;
    };
    const membershipInsert = (doc: MembershipDoc) => {
      if (
        this.memberships.some(
          (m) => m.listId.equals(doc.listId) && m.subscriberId.equals(doc.subscriberId),
        )
      )
        return false;
      this.memberships.push(doc);
      return true;
    };
    const bulk = <T>(docs: T[], insert: (d: T) => boolean) => {
      const outcome = {
        inserted: [] as number[],
        duplicates: [] as number[],
        failed: new Map<number, string>(),
      };
      docs.forEach((d, i) => (insert(d) ? outcome.inserted : outcome.duplicates).push(i));
      return outcome;
    };
    const fake = {
      lists: {
        find: async (tenantId: string, id: Types.ObjectId) =>
          this.lists.find((l) => l.tenantId === tenantId && l._id.equals(id)) ?? null,
      },
      subscribers: {
        findByEmail: async (tenantId: string, email: string) =>
          this.subscribers.find((s) => s.tenantId === tenantId && s.email === email) ?? null,
        findByEmails: async (tenantId: string, emails: string[]) =>
          new Map(
            this.subscribers
              .filter((s) => s.tenantId === tenantId && emails.includes(s.email))
              .map((s) => [s.email, s]),
          ),
        insert: async (doc: SubscriberDoc) => subscriberInsert(doc),
        insertMany: async (docs: SubscriberDoc[]) => bulk(docs, subscriberInsert),
        updateData: async (
          updates: Array<{ id: Types.ObjectId; data: Partial<SubscriberDoc> }>,
        ) => {
          for (const u of updates)
            Object.assign(this.subscribers.find((s) => s._id.equals(u.id)) ?? {}, u.data);
          return new Map<string, string>();
        },
        delete: async (id: Types.ObjectId) => {
          this.subscribers.splice(
            this.subscribers.findIndex((s) => s._id.equals(id)),
            1,
          );
        },
      },
      memberships: {
        find: async (listId: Types.ObjectId, subscriberId: Types.ObjectId) =>
          this.memberships.find(
            (m) => m.listId.equals(listId) && m.subscriberId.equals(subscriberId),
          ) ?? null,
        statusesOf: async (listId: Types.ObjectId, ids: Types.ObjectId[]) =>
          new Map<string, MembershipStatus>(
            this.memberships
              .filter((m) => m.listId.equals(listId) && ids.some((id) => id.equals(m.subscriberId)))
              .map((m) => [hex(m.subscriberId), m.status]),
          ),
        insert: async (doc: MembershipDoc) => membershipInsert(doc),
        insertMany: async (docs: MembershipDoc[]) => bulk(docs, membershipInsert),
        deleteByIds: async (ids: Types.ObjectId[]) => {
          for (const id of ids) {
            const i = this.memberships.findIndex((m) => m._id.equals(id));
            if (i >= 0) this.memberships.splice(i, 1);
          }
        },
      },
    };
    return fake as unknown as ListStore;
  }
}

export const silentLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
} as unknown as Logger;
