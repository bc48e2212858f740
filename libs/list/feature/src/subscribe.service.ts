// Adds one subscriber to a list (REST single create). Everything is validated
// before the first write (an erased address is refused); writes are keyed by
// unique indexes (no transactions), the consent ledger gets an entry, and the
// SubscriberEvent is durable before the caller hears 201. If producing the
// event fails, the subscription is undone, so a retry starts from scratch.
// On a double opt-in list the member starts unconfirmed and the answer and a
// CONFIRMATION_REQUESTED event carry a confirmation link; signing up again
// while unconfirmed issues a new link that retires the old one.
import { Inject, Injectable } from '@nestjs/common';
import type {
  ListDoc,
  MembershipDoc,
  MembershipStatus,
  SubscriberData,
  SubscriberDoc,
} from '@postline/list/data-access';
import { newObjectId, type ConsentRecordDoc } from '@postline/list/data-access';
import {
  checkSubscriberInput,
  ListError,
  ListErrorCode,
  type SubscriberInput,
} from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import type { Logger } from 'pino';
import { issueConfirmationLink, type IssuedLink } from './confirm/confirmation-link';
import { confirmationRequestedRecord, subscribedRecord } from './consent/consent-records';
import { ListEventsPublisher } from './list-events.publisher';
import { LIST_FEATURE_OPTIONS, LIST_STORE, type ListFeatureOptions } from './list-feature.options';
import type { ListStore } from './list-store';
import { ListMetrics } from './list.metrics';
import type { SubscriberView } from './list.views';
import { ListsService } from './lists.service';
import { erasedAmong } from './suppression/suppression-match';

/** The membership a sign-up creates, its ledger entry, and its link on a double opt-in list. */
interface Joining {
  membership: MembershipDoc;
  record: ConsentRecordDoc;
  link?: IssuedLink;
}

export type ConfirmationSettings = Pick<
  ListFeatureOptions,
  'signingSecret' | 'publicBaseUrl' | 'confirmationTtlHours'
>;

@Injectable()
export class SubscribeService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly lists: ListsService,
    private readonly publisher: ListEventsPublisher,
    private readonly metrics: ListMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(LIST_FEATURE_OPTIONS) private readonly options: ConfirmationSettings,
  ) {}

  async subscribe(tenantId: string, listId: string, body: unknown): Promise<SubscriberView> {
    const list = await this.lists.require(tenantId, listId);
    const checked = checkSubscriberInput(body);
    if (!checked.ok) throw new ListError(checked.problem.code, checked.problem.message);
    const input = checked.value;
    if ((await erasedAmong(this.store.suppressions, tenantId, [input.email.address])).size > 0)
      throw erasedError(input.email.address);
    try {
      const existing = await this.store.subscribers.findByEmail(tenantId, input.email.address);
      const view = existing
        ? await this.addExisting(list, existing, input)
        : await this.addNew(list, input);
      this.metrics.written('created');
      return view;
    } catch (e) {
      if (!(e instanceof ListError) || e.code === ListErrorCode.EventsUnavailable) {
        this.metrics.written('failed');
      }
      throw e;
    }
  }

  private async addNew(list: ListDoc, input: SubscriberInput): Promise<SubscriberView> {
    const now = new Date();
    const subscriber = newSubscriber(list.tenantId, input, now);
    if (!(await this.store.subscribers.insert(subscriber))) {
      // A concurrent request created the same address first: join it as an existing subscriber.
      const winner = await this.store.subscribers.findByEmail(list.tenantId, subscriber.email);
      if (!winner) {
        throw new Error(`subscriber ${subscriber.email} vanished after a duplicate-key refusal`);
      }
      return this.addExisting(list, winner, input);
    }
    const { membership, record, link } = this.joining(list, subscriber._id, input, now);
    try {
      if (!(await this.store.memberships.insert(membership))) {
        throw alreadyMember(list, 'subscribed');
      }
      await this.store.consent.append([record]);
      await this.announce(list, membership, link);
    } catch (e) {
      // Leave nothing behind for a request that did not succeed.
      await this.undo(() => this.store.consent.deleteByIds([record._id]));
      await this.undo(() => this.store.memberships.deleteByIds([membership._id]));
      await this.undo(() => this.store.subscribers.delete(subscriber._id));
      throw e;
    }
    return view(subscriber, membership.status, link);
  }

  private async addExisting(
    list: ListDoc,
    subscriber: SubscriberDoc,
    input: SubscriberInput,
  ): Promise<SubscriberView> {
    const current = await this.store.memberships.find(list._id, subscriber._id);
    if (current?.status === 'unconfirmed' && list.optin === 'double')
      return this.reissue(list, subscriber, current, input);
    if (current) throw alreadyMember(list, current.status);
    const { membership, record, link } = this.joining(list, subscriber._id, input, new Date());
    if (!(await this.store.memberships.insert(membership))) throw alreadyMember(list, 'subscribed');
    const changes = dataChanges(subscriber, input);
    const before = { name: subscriber.name, attributes: subscriber.attributes };
    try {
      if (changes) await this.updateData(subscriber, changes);
      await this.store.consent.append([record]);
      await this.announce(list, membership, link);
    } catch (e) {
      await this.undo(() => this.store.consent.deleteByIds([record._id]));
      await this.undo(() => this.store.memberships.deleteByIds([membership._id]));
      if (changes) await this.undo(() => this.updateData(subscriber, before));
      throw e;
    }
    return view({ ...subscriber, ...changes }, membership.status, link);
  }

  /** A membership for a sign-up: subscribed, or unconfirmed with a new link on a double opt-in list. */
  private joining(
    list: ListDoc,
    subscriberId: SubscriberDoc['_id'],
    input: SubscriberInput,
    now: Date,
  ): Joining {
    const membership = newMembership(list, subscriberId, now);
    if (list.optin !== 'double') {
      return { membership, record: subscribedRecord(membership, 'api', input.consent) };
    }
    const link = issueConfirmationLink(
      this.options,
      { tenantId: list.tenantId, subscriberId, listId: list._id },
      now,
    );
    return {
      membership: { ...membership, status: 'unconfirmed', confirmation: link.pending },
      record: confirmationRequestedRecord(membership, link.pending.nonce, 'api', input.consent),
      link,
    };
  }

  /**
   * An unconfirmed member signs up again (lost or expired link): a new link
   * replaces the old one, which stops working. Name and attributes are left
   * as stored until the person confirms.
   */
  private async reissue(
    list: ListDoc,
    subscriber: SubscriberDoc,
    current: MembershipDoc,
    input: SubscriberInput,
  ): Promise<SubscriberView> {
    const link = issueConfirmationLink(
      this.options,
      { tenantId: list.tenantId, subscriberId: subscriber._id, listId: list._id },
      new Date(),
    );
    const record = confirmationRequestedRecord(
      current,
      link.pending.nonce,
      'api',
      input.consent,
      link.pending.requestedAt,
    );
    const previous = current.confirmation;
    await this.store.consent.append([record]);
    if (!(await this.store.memberships.replaceConfirmation(current._id, previous, link.pending))) {
      await this.undo(() => this.store.consent.deleteByIds([record._id]));
      throw new ListError(
        ListErrorCode.AlreadySubscribed,
        `this address's subscription to list ${list._id.toHexString()} changed meanwhile (confirmed or left); nothing was changed`,
      );
    }
    try {
      await this.announce(list, current, link);
    } catch (e) {
      await this.undo(async () => {
        await this.store.memberships.replaceConfirmation(current._id, link.pending, previous);
      });
      await this.undo(() => this.store.consent.deleteByIds([record._id]));
      throw e;
    }
    return view(subscriber, 'unconfirmed', link);
  }

  private async updateData(
    subscriber: SubscriberDoc,
    data: Partial<SubscriberData>,
  ): Promise<void> {
    const failed = await this.store.subscribers.updateData([{ id: subscriber._id, data }]);
    const reason = failed.get(subscriber._id.toHexString());
    if (reason)
      throw new Error(`updating subscriber ${subscriber._id.toHexString()} failed: ${reason}`);
  }

  /** SUBSCRIBED, or CONFIRMATION_REQUESTED with the link; durable before the caller hears 201. */
  private async announce(
    list: ListDoc,
    membership: MembershipDoc,
    link?: IssuedLink,
  ): Promise<void> {
    const fact = {
      tenantId: list.tenantId,
      listId: list._id.toHexString(),
      subscriberId: membership.subscriberId.toHexString(),
      membershipId: membership._id.toHexString(),
      occurredAt: link ? link.pending.requestedAt : membership.createdAt,
    };
    try {
      if (!link) await this.publisher.subscribed([fact]);
      else {
        await this.publisher.confirmationRequested([
          {
            ...fact,
            nonce: link.pending.nonce,
            confirmationUrl: link.url,
            expiresAt: link.pending.expiresAt,
          },
        ]);
        this.metrics.doubleOptin.inc({ step: 'requested' });
      }
      this.metrics.subscriberEvents.inc({ result: 'produced' });
    } catch (e) {
      this.metrics.subscriberEvents.inc({ result: 'failed' });
      this.logger.error(
        { event: 'subscriber_event_failed', listId: list._id.toHexString(), err: e },
        'producing SubscriberEvent failed',
      );
      throw new ListError(
        ListErrorCode.EventsUnavailable,
        'the subscription could not be recorded (event bus unavailable); nothing was changed, retry later',
      );
    }
  }

  private async undo(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (e) {
      this.logger.error(
        { event: 'subscribe_undo_failed', err: e },
        'undoing a failed subscription failed',
      );
    }
  }
}

export function newSubscriber(tenantId: string, input: SubscriberInput, now: Date): SubscriberDoc {
  return {
    _id: newObjectId(),
    tenantId,
    email: input.email.address,
    name: input.name ?? '',
    attributes: input.attributes ?? {},
    globalStatus: 'active',
    createdAt: now,
    updatedAt: now,
  };
}

export function newMembership(
  list: ListDoc,
  subscriberId: SubscriberDoc['_id'],
  now: Date,
): MembershipDoc {
  return {
    _id: newObjectId(),
    tenantId: list.tenantId,
    listId: list._id,
    subscriberId,
    status: 'subscribed',
    createdAt: now,
  };
}

/** The name/attributes the input changes on an existing subscriber, or undefined when none. */
export function dataChanges(
  current: Pick<SubscriberDoc, 'name' | 'attributes'>,
  input: SubscriberInput,
): Partial<Pick<SubscriberDoc, 'name' | 'attributes'>> | undefined {
  const changes: Partial<Pick<SubscriberDoc, 'name' | 'attributes'>> = {};
  if (input.name !== undefined && input.name !== current.name) changes.name = input.name;
  if (
    input.attributes !== undefined &&
    JSON.stringify(input.attributes) !== JSON.stringify(current.attributes ?? {})
  ) {
    changes.attributes = input.attributes;
  }
  return Object.keys(changes).length > 0 ? changes : undefined;
}

export function erasedError(address: string): ListError {
  return new ListError(
    ListErrorCode.AddressErased,
    `${address} was erased at the subscriber's request and is not added again; remove its suppression entry first if the person has given consent anew`,
  );
}

export function alreadyMember(list: ListDoc, status: MembershipStatus): ListError {
  const listId = list._id.toHexString();
  if (status === 'unsubscribed') {
    return new ListError(
      ListErrorCode.PreviouslyUnsubscribed,
      `this address unsubscribed from list ${listId}; it is not re-subscribed without new consent`,
    );
  }
  return new ListError(
    ListErrorCode.AlreadySubscribed,
    `this address is already on list ${listId} (status ${status})`,
  );
}

function view(
  s: Pick<SubscriberDoc, '_id' | 'email' | 'name' | 'attributes'>,
  status: MembershipStatus,
  link?: IssuedLink,
): SubscriberView {
  return {
    id: s._id.toHexString(),
    email: s.email,
    name: s.name,
    attributes: s.attributes ?? {},
    status,
    ...(link
      ? { confirmation: { url: link.url, expiresAt: link.pending.expiresAt.toISOString() } }
      : {}),
  };
}
