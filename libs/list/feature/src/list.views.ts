// JSON shapes the REST API answers with.
import type { MembershipStatus, GlobalStatus, OptinMode } from '@postline/list/data-access';

export interface ListView {
  id: string;
  name: string;
  optin: OptinMode;
  createdAt: string;
}

export interface ListDetailsView extends ListView {
  /** Members whose status on this list is "subscribed". */
  subscriberCount: number;
}

export interface SubscriberView {
  id: string;
  email: string;
  name: string;
  attributes: Record<string, unknown>;
  status: MembershipStatus;
  /** Double opt-in sign-up: the link that confirms it (to be mailed to the person) and its expiry. */
  confirmation?: { url: string; expiresAt: string };
}

export interface MemberView extends SubscriberView {
  globalStatus: GlobalStatus;
}

export interface SubscribersPage {
  items: MemberView[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface BulkRowError {
  index: number;
  email: string;
  code: string;
  reason: string;
}

export interface BulkSubscribeResult {
  created: number;
  updated: number;
  failed: number;
  errors: BulkRowError[];
}
