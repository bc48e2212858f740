// One-click unsubscribe (RFC 8058): verifies the signed token render put in the
// List-Unsubscribe header and ends the membership it names at once. A token
// without a list (a message sent to no list) ends every membership of the
// subscriber in the tenant. A repeated POST finds nothing left to end and
// succeeds without a second event.
import { Inject, Injectable } from '@nestjs/common';
import { parseObjectId } from '@postline/list/data-access';
import { isValidTenantId, ListError, ListErrorCode } from '@postline/list/domain';
import { TokenRejectedError, verifyToken, type MessageClaims } from '@postline/shared/signed-token';
import { LOGGER } from '@postline/platform/http';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { LIST_FEATURE_OPTIONS, type ListFeatureOptions } from '../list-feature.options';
import type { RequestEvidence } from '../consent/consent-records';
import { UnsubscribeService } from './unsubscribe.service';

export type OneClickStatus = 'unsubscribed' | 'already_unsubscribed' | 'not_subscribed';

export interface OneClickTarget {
  tenantId: string;
  subscriberId: Types.ObjectId;
  listId?: Types.ObjectId;
  messageId: string;
}

/** Tokens are ~300 characters; anything far longer is not one of ours. */
const TOKEN_MAX_LENGTH = 4096;

@Injectable()
export class OneClickService {
  constructor(
    private readonly memberships: UnsubscribeService,
    @Inject(LIST_FEATURE_OPTIONS)
    private readonly options: Pick<ListFeatureOptions, 'signingSecret'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** What the token names; ListError INVALID_TOKEN (garbled) or TOKEN_REJECTED (forged) otherwise. */
  target(token: string): OneClickTarget {
    if (token.length > TOKEN_MAX_LENGTH)
      throw new ListError(ListErrorCode.InvalidToken, 'the unsubscribe token is malformed');
    let claims: MessageClaims;
    try {
      claims = verifyToken('unsubscribe', token, this.options.signingSecret);
    } catch (e) {
      if (!(e instanceof TokenRejectedError)) throw e;
      if (e.reason === 'bad signature') {
        throw new ListError(
          ListErrorCode.TokenRejected,
          'the unsubscribe token is not valid (its signature does not match)',
        );
      }
      throw new ListError(ListErrorCode.InvalidToken, `the unsubscribe token is ${describe(e)}`);
    }
    const subscriberId = parseObjectId(claims.subscriber);
    const listId = claims.list === undefined ? undefined : parseObjectId(claims.list);
    if (
      !isValidTenantId(claims.tenant) ||
      !subscriberId ||
      (claims.list !== undefined && !listId)
    ) {
      throw new ListError(
        ListErrorCode.InvalidToken,
        'the unsubscribe token does not name a tenant, subscriber and list of this service',
      );
    }
    return { tenantId: claims.tenant, subscriberId, listId, messageId: claims.message };
  }

  async unsubscribe(
    target: OneClickTarget,
    evidence: RequestEvidence = {},
  ): Promise<OneClickStatus> {
    const [outcome] = await this.memberships.apply(
      [
        {
          tenantId: target.tenantId,
          subscriberId: target.subscriberId,
          listId: target.listId,
          cause: `one-click:${target.messageId}`,
          at: new Date(),
          evidence,
        },
      ],
      'one_click',
    );
    const status: OneClickStatus =
      outcome.ended > 0
        ? 'unsubscribed'
        : outcome.matched > 0
          ? 'already_unsubscribed'
          : 'not_subscribed';
    this.logger.info(
      {
        event: 'one_click_unsubscribe',
        tenantId: target.tenantId,
        subscriberId: target.subscriberId.toHexString(),
        listId: target.listId?.toHexString(),
        status,
      },
      'one-click unsubscribe',
    );
    return status;
  }
}

function describe(e: TokenRejectedError): string {
  return e.reason === 'malformed' ? 'malformed' : `unreadable (${e.reason})`;
}
