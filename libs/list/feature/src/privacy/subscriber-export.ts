// JSON shapes of the GDPR endpoints: what GET /v1/subscribers/:id/export
// returns (everything the list service holds about the person) and what an
// erasure reports.
import type { SuppressionView } from '../suppression/suppression-doc';

export interface SubscriberExport {
  exportedAt: string;
  subscriber: {
    id: string;
    email: string;
    name: string;
    attributes: Record<string, unknown>;
    globalStatus: string;
    createdAt: string;
    updatedAt: string;
  };
  engagement: {
    opens: number;
    clicks: number;
    lastOpenAt: string | null;
    lastClickAt: string | null;
    softBounceStreak: number;
  };
  memberships: Array<{
    listId: string;
    listName: string | null;
    status: string;
    subscribedAt: string;
    /** Double opt-in: when the person followed the confirmation link. */
    confirmedAt?: string;
    unsubscribedAt?: string;
    unsubscribeSource?: string;
  }>;
  /** The consent ledger, oldest first. */
  consent: Array<{
    action: string;
    listId: string;
    source: string;
    at: string;
    ip?: string;
    userAgent?: string;
    formText?: string;
    ref?: string;
  }>;
  /** Suppression entries that apply to the address (its own, its domain's). */
  suppressions: SuppressionView[];
}

export interface ErasureResult {
  id: string;
  erased: true;
  membershipsRemoved: number;
  consentRecordsRemoved: number;
  /** The hash-only entry that keeps the address out of later imports and sends. */
  suppression: SuppressionView;
}
