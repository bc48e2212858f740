// Double opt-in confirmation: the person followed the link the sign-up issued.
// Only the membership's latest link works, once, before it expires, and only
// while the member is unconfirmed, globally active and not suppressed: a left,
// erased, bounced or suppressed address is never confirmed back into sending.
// Without transactions the steps are ordered so a retry completes a crashed
// confirmation: the CONFIRMED event (fixed id per membership), then the ledger
// entry (fixed id), then the status change conditional on the link's nonce.
import { Inject, Injectable } from '@nestjs/common';
import type { MembershipDoc, SubscriberDoc } from '@postline/list/data-access';
import { ListError, ListErrorCode } from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import type { Logger } from 'pino';
import { confirmedRecord, type RequestEvidence } from '../consent/consent-records';
import { ListEventsPublisher } from '../list-events.publisher';
import { LIST_FEATURE_OPTIONS, LIST_STORE, type ListFeatureOptions } from '../list-feature.options';
import type { ListStore } from '../list-store';
import { ListMetrics } from '../list.metrics';
import { suppressionsOf } from '../suppression/suppression-match';
import { readConfirmationLink, type ConfirmTarget } from './confirmation-link';

@Injectable()
export class ConfirmationService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly publisher: ListEventsPublisher,
    private readonly metrics: ListMetrics,
    @Inject(LIST_FEATURE_OPTIONS)
    private readonly options: Pick<ListFeatureOptions, 'signingSecret'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** What the link names; INVALID_TOKEN, TOKEN_REJECTED or TOKEN_EXPIRED otherwise. */
  target(token: string, now = new Date()): ConfirmTarget {
    return readConfirmationLink(token, this.options.signingSecret, now);
  }

  /**
   * Confirms the membership the link names. Refusals (nothing changed):
   * NOT_FOUND, ALREADY_CONFIRMED, TOKEN_SUPERSEDED, NOT_CONFIRMABLE,
   * EVENTS_UNAVAILABLE.
   */
  async confirm(target: ConfirmTarget, evidence: RequestEvidence = {}): Promise<'confirmed'> {
    const membership = await this.pendingMembership(target);
    await this.requireSendable(target, membership);
    const at = new Date();
    await this.announce(membership, at);
    const ledger = await this.store.consent.append([
      confirmedRecord(membership, target.nonce, at, evidence),
    ]);
    const problem = [...ledger.failed.values()][0];
    if (problem !== undefined) {
      // The event is out (a retry re-announces it under the same id); the status waits for the ledger.
      throw new ListError(
        ListErrorCode.WriteFailed,
        `the confirmation could not be recorded in the consent ledger (${problem}); retry the link`,
      );
    }
    if (!(await this.store.memberships.markConfirmed(membership._id, target.nonce, at))) {
      // Another request with the same link got there first, or the member left meanwhile.
      const now = await this.store.memberships.find(target.listId, target.subscriberId);
      throw now?.status === 'subscribed' ? alreadyConfirmed() : notConfirmable('left the list');
    }
    this.metrics.doubleOptin.inc({ step: 'confirmed' });
    this.logger.info(
      {
        event: 'subscription_confirmed',
        tenantId: target.tenantId,
        listId: target.listId.toHexString(),
        subscriberId: target.subscriberId.toHexString(),
      },
      'double opt-in confirmed',
    );
    return 'confirmed';
  }

  /** The unconfirmed membership awaiting exactly this link. */
  private async pendingMembership(target: ConfirmTarget): Promise<MembershipDoc> {
    const m = await this.store.memberships.find(target.listId, target.subscriberId);
    if (!m || m.tenantId !== target.tenantId) {
      throw new ListError(
        ListErrorCode.NotFound,
        'no subscription awaits confirmation with this link (it was removed or never existed)',
      );
    }
    if (m.status === 'subscribed') throw alreadyConfirmed();
    if (m.status === 'unsubscribed') throw notConfirmable('unsubscribed from the list');
    if (m.confirmation?.nonce !== target.nonce) {
      throw new ListError(
        ListErrorCode.TokenSuperseded,
        'a newer confirmation link was sent for this subscription; use the latest one',
      );
    }
    return m;
  }

  /** The subscriber must still be one the service would send to. */
  private async requireSendable(target: ConfirmTarget, m: MembershipDoc): Promise<void> {
    const subscriber: SubscriberDoc | null = await this.store.subscribers.findById(
      target.tenantId,
      m.subscriberId,
    );
    if (!subscriber) throw notConfirmable('was erased');
    if (subscriber.globalStatus !== 'active')
      throw notConfirmable(`is ${subscriber.globalStatus} and receives no mail`);
    const suppressed = await suppressionsOf(this.store.suppressions, target.tenantId, [
      subscriber.email,
    ]);
    if (suppressed.size > 0) throw notConfirmable('is on the suppression list');
  }

  private async announce(m: MembershipDoc, at: Date): Promise<void> {
    try {
      await this.publisher.confirmed([
        {
          tenantId: m.tenantId,
          listId: m.listId.toHexString(),
          subscriberId: m.subscriberId.toHexString(),
          membershipId: m._id.toHexString(),
          occurredAt: at,
        },
      ]);
      this.metrics.subscriberEvents.inc({ result: 'produced' });
    } catch (e) {
      this.metrics.subscriberEvents.inc({ result: 'failed' });
      this.logger.error(
        { event: 'subscriber_event_failed', listId: m.listId.toHexString(), err: e },
        'producing the CONFIRMED SubscriberEvent failed',
      );
      throw new ListError(
        ListErrorCode.EventsUnavailable,
        'the confirmation could not be recorded (event bus unavailable); nothing was changed, retry later',
      );
    }
  }
}

function alreadyConfirmed(): ListError {
  return new ListError(
    ListErrorCode.AlreadyConfirmed,
    'this subscription is already confirmed; the link works once',
  );
}

function notConfirmable(why: string): ListError {
  return new ListError(
    ListErrorCode.NotConfirmable,
    `this subscription cannot be confirmed: the address ${why}`,
  );
}
