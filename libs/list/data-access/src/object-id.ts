// Ids in the list service's API are MongoDB ObjectIds as 24 lowercase hex
// characters; anything else is refused before it reaches a query.
import { Types } from 'mongoose';

const HEX24 = /^[0-9a-fA-F]{24}$/;

export function parseObjectId(value: unknown): Types.ObjectId | undefined {
  if (typeof value !== 'string' || !HEX24.test(value)) return undefined;
  return new Types.ObjectId(value.toLowerCase());
}

export function newObjectId(): Types.ObjectId {
  return new Types.ObjectId();
}
