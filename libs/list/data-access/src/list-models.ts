// The list service's collections on its own database connection, and the
// indexes that its correctness rests on (unique keys instead of transactions),
// created before the service reports ready.
import type { Connection, Model } from 'mongoose';
import { ConsentRecordSchema, type ConsentRecordDoc } from './schemas/consent-record.schema';
import { ImportJobSchema, type ImportJobDoc } from './schemas/import-job.schema';
import { ListSchema, type ListDoc } from './schemas/list.schema';
import { MembershipSchema, type MembershipDoc } from './schemas/membership.schema';
import { SegmentSchema, type SegmentDoc } from './schemas/segment.schema';
import { SubscriberSchema, type SubscriberDoc } from './schemas/subscriber.schema';
import { SuppressionSchema, type SuppressionDoc } from './schemas/suppression.schema';

export interface ListModels {
  lists: Model<ListDoc>;
  subscribers: Model<SubscriberDoc>;
  memberships: Model<MembershipDoc>;
  suppressions: Model<SuppressionDoc>;
  consentRecords: Model<ConsentRecordDoc>;
  importJobs: Model<ImportJobDoc>;
  segments: Model<SegmentDoc>;
}

export function listModels(conn: Connection): ListModels {
  const model = <T>(name: string, schema: import('mongoose').Schema<T>): Model<T> =>
    (conn.models[name] as Model<T> | undefined) ?? conn.model<T>(name, schema);
  return {
    lists: model('List', ListSchema),
    subscribers: model('Subscriber', SubscriberSchema),
    memberships: model('Membership', MembershipSchema),
    suppressions: model('Suppression', SuppressionSchema),
    consentRecords: model('ConsentRecord', ConsentRecordSchema),
    importJobs: model('ImportJob', ImportJobSchema),
    segments: model('Segment', SegmentSchema),
  };
}

/** Creates the indexes if missing; safe to run on every boot. */
export async function ensureListIndexes(models: ListModels): Promise<void> {
  await Promise.all([
    models.lists.createIndexes(),
    models.subscribers.createIndexes(),
    models.memberships.createIndexes(),
    models.suppressions.createIndexes(),
    models.consentRecords.createIndexes(),
    models.importJobs.createIndexes(),
    models.segments.createIndexes(),
  ]);
}
