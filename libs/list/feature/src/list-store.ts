// The list feature's repositories on the service's MongoDB connection, built
// once the indexes that guarantee idempotency exist.
import {
  ConsentRepository,
  EngagementRepository,
  ensureListIndexes,
  ImportJobRepository,
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
}

export async function openListStore(conn: Connection): Promise<ListStore> {
  const models = listModels(conn);
  await ensureListIndexes(models);
  return {
    lists: new ListRepository(models),
    subscribers: new SubscriberRepository(models),
    memberships: new MembershipRepository(models),
    suppressions: new SuppressionRepository(models),
    engagement: new EngagementRepository(models),
    consent: new ConsentRepository(models),
    imports: new ImportJobRepository(models),
  };
}
