// Lists of a tenant: created by operators, looked up by every call that names one.
import type { Types } from 'mongoose';
import type { ListModels } from './list-models';
import { newObjectId } from './object-id';
import type { ListDoc, OptinMode } from './schemas/list.schema';

export class ListRepository {
  constructor(private readonly models: ListModels) {}

  async create(tenantId: string, name: string, optin: OptinMode): Promise<ListDoc> {
    const doc: ListDoc = { _id: newObjectId(), tenantId, name, optin, createdAt: new Date() };
    await this.models.lists.collection.insertOne(doc);
    return doc;
  }

  /** The list, only if it belongs to the tenant: another tenant's list is "not found". */
  async find(tenantId: string, id: Types.ObjectId): Promise<ListDoc | null> {
    return this.models.lists.findOne({ _id: id, tenantId }).lean<ListDoc>().exec();
  }
}
