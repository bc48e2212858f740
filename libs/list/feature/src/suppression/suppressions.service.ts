// The tenant's suppression list over REST: add (idempotent: the existing entry
// wins), remove, page through, and check one address against address and
// domain entries exactly as recipient streams do.
import { Inject, Injectable } from '@nestjs/common';
import {
  checkEmailAddress,
  checkSuppressionInput,
  ListError,
  ListErrorCode,
  parsePublicSuppressionId,
  suppressionKey,
  type SuppressionReason,
} from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import type { Logger } from 'pino';
import { LIST_STORE } from '../list-feature.options';
import type { ListStore } from '../list-store';
import { ListMetrics } from '../list.metrics';
import { clip } from '../lists.service';
import { suppressionDoc, suppressionView, type SuppressionView } from './suppression-doc';
import { suppressionsOf } from './suppression-match';

export interface SuppressionsPage {
  items: SuppressionView[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface SuppressionCheck {
  address: string;
  suppressed: boolean;
  /** The entries that suppress it: its own and/or its domain's. */
  entries: SuppressionView[];
}

@Injectable()
export class SuppressionsService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly metrics: ListMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Adds an entry; `created` is false when the target was suppressed already (that entry is returned). */
  async add(
    tenantId: string,
    body: unknown,
  ): Promise<{ created: boolean; entry: SuppressionView }> {
    const checked = checkSuppressionInput(body);
    if (!checked.ok) throw new ListError(checked.problem.code, checked.problem.message);
    const { target, reason, source } = checked.value;
    const doc = suppressionDoc(tenantId, target, reason, source, new Date());
    if (await this.store.suppressions.insert(doc)) {
      this.metrics.suppressed(reason);
      this.logger.info(
        { event: 'suppression_added', tenantId, kind: doc.kind, reason, source: 'api' },
        'suppression added',
      );
      return { created: true, entry: suppressionView(doc) };
    }
    const existing = await this.store.suppressions.find(doc._id);
    // Removed between our insert and this read: report what we tried to write, the caller may retry.
    return { created: false, entry: suppressionView(existing ?? doc) };
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const target = parsePublicSuppressionId(id);
    if (!target) {
      throw new ListError(
        ListErrorCode.InvalidId,
        `suppression id "${clip(id)}" is not "a:<sha256 of the address>" or "d:<domain>"`,
      );
    }
    if (!(await this.store.suppressions.delete(suppressionKey(tenantId, target)))) {
      throw new ListError(ListErrorCode.NotFound, `suppression ${clip(id)} not found`);
    }
    this.logger.info(
      { event: 'suppression_removed', tenantId, kind: target.kind },
      'suppression removed',
    );
  }

  async page(
    tenantId: string,
    limit: number,
    after?: string,
    reason?: SuppressionReason,
  ): Promise<SuppressionsPage> {
    const cursor = after ? parsePublicSuppressionId(after) : undefined;
    if (after && !cursor) {
      throw new ListError(
        ListErrorCode.InvalidCursor,
        `after "${clip(after)}" is not a cursor from this listing`,
      );
    }
    const docs = await this.store.suppressions.page(tenantId, {
      after: cursor ? suppressionKey(tenantId, cursor) : undefined,
      limit: limit + 1,
      reason,
    });
    const items = docs.slice(0, limit).map(suppressionView);
    return {
      items,
      nextCursor: docs.length > limit ? (items[items.length - 1]?.id ?? null) : null,
    };
  }

  async check(tenantId: string, address: unknown): Promise<SuppressionCheck> {
    const email = checkEmailAddress(address);
    if (!email.ok) throw new ListError(ListErrorCode.InvalidEmail, `address ${email.reason}`);
    const normalised = email.value.address;
    const found = await suppressionsOf(this.store.suppressions, tenantId, [normalised]);
    const entries = (found.get(normalised) ?? []).map(suppressionView);
    return { address: normalised, suppressed: entries.length > 0, entries };
  }
}
