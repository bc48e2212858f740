// In-memory stand-in for the list store, with the same contracts the
// repositories give (unique address per tenant, one membership per list and
// subscriber), for unit tests of the services' write ordering and undo paths.
import type {
  ConsentRecordDoc,
  EngagementChange,
  ListDoc,
  MembershipDoc,
  MembershipStatus,
  OptinMode,
  PendingConfirmation,
  SubscriberDoc,
  SuppressionDoc,
} from '@postline/list/data-access';
import { engagementStatements, newObjectId } from '@postline/list/data-access';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { ListStore } from '../list-store';
import { applyUpdate, matches } from './mini-mongo';

export class FakeListStore {
  readonly lists: ListDoc[] = [];
  readonly subscribers: SubscriberDoc[] = [];
  readonly memberships: MembershipDoc[] = [];
  readonly suppressions: SuppressionDoc[] = [];
  readonly consentRecords: ConsentRecordDoc[] = [];
  /** Engagement statements run, for asserting on batching and order. */
  readonly engagementStatementsRun: number[] = [];

  addList(tenantId = 't1', optin: OptinMode = 'single'): ListDoc {
    const list = { _id: newObjectId(), tenantId, name: 'L', optin, createdAt: new Date() };
    this.lists.push(list);
    return list;
  }

  addSubscriber(tenantId: string, email: string): SubscriberDoc {
    const now = new Date();
    const doc: SubscriberDoc = {
      _id: newObjectId(),
      tenantId,
      email,
      name: '',
      attributes: {},
      globalStatus: 'active',
      createdAt: now,
      updatedAt: now,
    };
    this.subscribers.push(doc);
    return doc;
  }

  addMembership(
    list: ListDoc,
    subscriber: SubscriberDoc,
    status: MembershipStatus = 'subscribed',
  ): MembershipDoc {
    const doc: MembershipDoc = {
      _id: newObjectId(),
      tenantId: list.tenantId,
      listId: list._id,
      subscriberId: subscriber._id,
      status,
      createdAt: new Date(),
    };
    this.memberships.push(doc);
    return doc;
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
    const suppressionInsert = (doc: SuppressionDoc) => {
      if (this.suppressions.some((d) => d._id === doc._id)) return false;
      this.suppressions.push({ ...doc });
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
        setFields: async (
          updates: Array<{ id: Types.ObjectId; fields: Record<string, unknown> }>,
        ) => {
          for (const u of updates) {
            const doc = this.subscribers.find((s) => s._id.equals(u.id));
            if (doc) applyUpdate(doc as unknown as Record<string, unknown>, { $set: u.fields });
          }
          return new Map<string, string>();
        },
        delete: async (id: Types.ObjectId) => {
          this.subscribers.splice(
            this.subscribers.findIndex((s) => s._id.equals(id)),
            1,
          );
        },
        matchingAmong: async (
          tenantId: string,
          ids: Types.ObjectId[],
          filter: Record<string, unknown>,
        ) =>
          this.subscribers.filter(
            (s) =>
              s.tenantId === tenantId &&
              ids.some((id) => id.equals(s._id)) &&
              matches(s as unknown as Record<string, unknown>, filter),
          ),
        findById: async (tenantId: string, id: Types.ObjectId) =>
          this.subscribers.find((s) => s.tenantId === tenantId && s._id.equals(id)) ?? null,
        findByIds: async (tenantId: string, ids: Types.ObjectId[], activeOnly: boolean) =>
          new Map(
            this.subscribers
              .filter(
                (s) =>
                  s.tenantId === tenantId &&
                  ids.some((id) => id.equals(s._id)) &&
                  (!activeOnly || s.globalStatus === 'active'),
              )
              .map((s) => [hex(s._id), s]),
          ),
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
        subscribedAmong: async (tenantId: string, listId: Types.ObjectId, ids: Types.ObjectId[]) =>
          new Set(
            this.memberships
              .filter(
                (m) =>
                  m.tenantId === tenantId &&
                  m.listId.equals(listId) &&
                  m.status === 'subscribed' &&
                  ids.some((id) => id.equals(m.subscriberId)),
              )
              .map((m) => hex(m.subscriberId)),
          ),
        insert: async (doc: MembershipDoc) => membershipInsert(doc),
        insertMany: async (docs: MembershipDoc[]) => bulk(docs, membershipInsert),
        deleteByIds: async (ids: Types.ObjectId[]) => {
          for (const id of ids) {
            const i = this.memberships.findIndex((m) => m._id.equals(id));
            if (i >= 0) this.memberships.splice(i, 1);
          }
        },
        ofSubscribers: async (tenantId: string, ids: Types.ObjectId[]) =>
          this.memberships.filter(
            (m) => m.tenantId === tenantId && ids.some((id) => id.equals(m.subscriberId)),
          ),
        replaceConfirmation: async (
          id: Types.ObjectId,
          expected: PendingConfirmation | undefined,
          next: PendingConfirmation | undefined,
        ) => {
          const m = this.memberships.find((x) => x._id.equals(id));
          if (!m || m.status !== 'unconfirmed' || m.confirmation?.nonce !== expected?.nonce)
            return false;
          if (next) m.confirmation = { ...next };
          else delete m.confirmation;
          return true;
        },
        markConfirmed: async (id: Types.ObjectId, nonce: string, at: Date) => {
          const m = this.memberships.find((x) => x._id.equals(id));
          if (!m || m.status !== 'unconfirmed' || m.confirmation?.nonce !== nonce) return false;
          Object.assign(m, { status: 'subscribed', confirmedAt: at });
          return true;
        },
        markUnsubscribed: async (
          changes: Array<{ id: Types.ObjectId; at: Date }>,
          source: string,
        ) => {
          for (const { id, at } of changes) {
            const m = this.memberships.find((x) => x._id.equals(id));
            if (m && m.status !== 'unsubscribed')
              Object.assign(m, {
                status: 'unsubscribed',
                unsubscribedAt: at,
                unsubscribeSource: source,
              });
          }
        },
        deleteOfSubscriber: async (tenantId: string, subscriberId: Types.ObjectId) => {
          for (let i = this.memberships.length - 1; i >= 0; i--) {
            const m = this.memberships[i];
            if (m.tenantId === tenantId && m.subscriberId.equals(subscriberId))
              this.memberships.splice(i, 1);
          }
        },
        page: async (
          tenantId: string,
          listId: Types.ObjectId,
          opts: { after?: Types.ObjectId; limit: number; status?: MembershipStatus },
        ) =>
          this.memberships
            .filter(
              (m) =>
                m.tenantId === tenantId &&
                m.listId.equals(listId) &&
                (!opts.status || m.status === opts.status) &&
                (!opts.after || hex(m.subscriberId) > hex(opts.after)),
            )
            .sort((a, b) => (hex(a.subscriberId) < hex(b.subscriberId) ? -1 : 1))
            .slice(0, opts.limit),
      },
      suppressions: {
        insert: async (doc: SuppressionDoc) => suppressionInsert(doc),
        insertMany: async (docs: SuppressionDoc[]) => bulk(docs, suppressionInsert),
        find: async (key: string) => this.suppressions.find((d) => d._id === key) ?? null,
        findKeys: async (keys: string[]) => this.suppressions.filter((d) => keys.includes(d._id)),
        delete: async (key: string) => {
          const i = this.suppressions.findIndex((d) => d._id === key);
          if (i >= 0) this.suppressions.splice(i, 1);
          return i >= 0;
        },
        markErased: async (doc: SuppressionDoc) => {
          const existing = this.suppressions.find((d) => d._id === doc._id);
          const { address: _address, ...fields } = doc;
          if (!existing) this.suppressions.push({ ...fields });
          else {
            Object.assign(existing, fields);
            delete existing.address;
          }
        },
        page: async (
          tenantId: string,
          opts: { after?: string; limit: number; reason?: SuppressionDoc['reason'] },
        ) =>
          this.suppressions
            .filter(
              (d) =>
                d.tenantId === tenantId &&
                (!opts.reason || d.reason === opts.reason) &&
                (!opts.after || d._id > opts.after),
            )
            .sort((a, b) => (a._id < b._id ? -1 : 1))
            .slice(0, opts.limit),
      },
      consent: {
        append: async (docs: ConsentRecordDoc[]) =>
          bulk(docs, (doc: ConsentRecordDoc) => {
            if (this.consentRecords.some((r) => r._id === doc._id)) return false;
            this.consentRecords.push(doc);
            return true;
          }),
        ofSubscriber: async (tenantId: string, subscriberId: Types.ObjectId) =>
          this.consentRecords.filter(
            (r) => r.tenantId === tenantId && r.subscriberId.equals(subscriberId),
          ),
        deleteByIds: async (ids: string[]) => {
          for (let i = this.consentRecords.length - 1; i >= 0; i--)
            if (ids.includes(this.consentRecords[i]._id)) this.consentRecords.splice(i, 1);
        },
        deleteOfSubscriber: async (tenantId: string, subscriberId: Types.ObjectId) => {
          const before = this.consentRecords.length;
          for (let i = this.consentRecords.length - 1; i >= 0; i--) {
            const r = this.consentRecords[i];
            if (r.tenantId === tenantId && r.subscriberId.equals(subscriberId))
              this.consentRecords.splice(i, 1);
          }
          return before - this.consentRecords.length;
        },
      },
      engagement: {
        // Runs the repository's real statements, so unit tests cover their guards.
        apply: async (changes: EngagementChange[]) => {
          const statements = changes.flatMap((c) => engagementStatements(c));
          this.engagementStatementsRun.push(statements.length);
          for (const op of statements) {
            const { filter, update } = (op as { updateOne: { filter: object; update: object } })
              .updateOne;
            const doc = this.subscribers.find((s) =>
              matches(s as unknown as Record<string, unknown>, filter as Record<string, unknown>),
            );
            if (doc)
              applyUpdate(
                doc as unknown as Record<string, unknown>,
                update as Record<string, unknown>,
              );
          }
        },
        streaksAtLeast: async (ids: Types.ObjectId[], limit: number) =>
          this.subscribers.filter(
            (s) =>
              ids.some((id) => id.equals(s._id)) && (s.engagement?.softBounceStreak ?? 0) >= limit,
          ),
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
