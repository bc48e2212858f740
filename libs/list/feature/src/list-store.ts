// The list feature's repositories on the service's MongoDB connection, built
// once the indexes that guarantee idempotency exist.
import {
  ConsentRepository,
  EngagementRepository,
  ensureListIndexes,
  ImportJobRepository,
  SegmentRepository,
  ListRepository,
  listModels,
  MembershipRepository,
  SubscriberRepository,
  SuppressionRepository,
} from '@postline/list/data-access';
import type { Connection } from 'mongoose';

export interface ListStore {
  lists: ListRepository;
  subscribers: SubscriberRepository;
  memberships: MembershipRepository;
  suppressions: SuppressionRepository;
  engagement: EngagementRepository;
  consent: ConsentRepository;
  imports: ImportJobRepository;
  segments: SegmentRepository;
  /** Which server answers: FerretDB (tests, local) serves only `{_id: x}` queries from an index. */
  server: 'mongodb' | 'ferretdb';
}

export async function openListStore(conn: Connection): Promise<ListStore> {
  const models = listModels(conn);
  await ensureListIndexes(models);
  const info = await conn.db?.admin().command({ buildInfo: 1 });
  return {
    lists: new ListRepository(models),
    subscribers: new SubscriberRepository(models),
    memberships: new MembershipRepository(models),
    suppressions: new SuppressionRepository(models),
    engagement: new EngagementRepository(models),
    consent: new ConsentRepository(models),
    imports: new ImportJobRepository(models),
    segments: new SegmentRepository(models),
    server: info?.ferretdbVersion ? 'ferretdb' : 'mongodb',
  };
}
