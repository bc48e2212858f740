// Just enough of MongoDB's filter and update semantics (dotted paths, $ne on
// arrays, $gt/$gte, $exists, $and/$or/$nor, $inc, $max, $set, $push, $pop) to run the
// repositories' real update statements against in-memory documents in unit
// tests. The e2e scenarios run the same statements against FerretDB.
import { Types } from 'mongoose';

type Doc = Record<string, unknown>;

function get(doc: Doc, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => {
    if (node === null || node === undefined) return undefined;
    return (node as Record<string, unknown>)[key];
  }, doc);
}

function set(doc: Doc, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = doc;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Doc;
  }
  node[keys[keys.length - 1]] = value;
}

function equal(a: unknown, b: unknown): boolean {
  if (a instanceof Types.ObjectId || b instanceof Types.ObjectId) return String(a) === String(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function matchesValue(value: unknown, condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null || condition instanceof Types.ObjectId)
    return Array.isArray(value) ? value.some((v) => equal(v, condition)) : equal(value, condition);
  return Object.entries(condition as Doc).every(([op, arg]) => {
    switch (op) {
      case '$ne':
        return !matchesValue(value, arg);
      case '$gt':
        return typeof value === 'number' && value > (arg as number);
      case '$gte':
        return typeof value === 'number' && value >= (arg as number);
      case '$exists':
        return (value !== undefined) === arg;
      case '$in':
        return (arg as unknown[]).some((a) => matchesValue(value, a));
      default:
        throw new Error(`mini-mongo: unsupported filter operator ${op}`);
    }
  });
}

export function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([path, condition]) => {
    const all = condition as Doc[];
    if (path === '$and') return all.every((f) => matches(doc, f));
    if (path === '$or') return all.some((f) => matches(doc, f));
    if (path === '$nor') return !all.some((f) => matches(doc, f));
    return matchesValue(get(doc, path), condition);
  });
}

export function applyUpdate(doc: Doc, update: Doc): void {
  for (const [op, fields] of Object.entries(update)) {
    for (const [path, arg] of Object.entries(fields as Doc)) {
      const current = get(doc, path);
      switch (op) {
        case '$set':
          set(doc, path, arg);
          break;
        case '$inc':
          set(doc, path, ((current as number) ?? 0) + (arg as number));
          break;
        case '$max':
          if (current === undefined || (arg as Date) > (current as Date)) set(doc, path, arg);
          break;
        case '$push':
          set(doc, path, [...((current as unknown[]) ?? []), arg]);
          break;
        case '$pop':
          set(
            doc,
            path,
            arg === -1 ? (current as unknown[]).slice(1) : (current as unknown[]).slice(0, -1),
          );
          break;
        default:
          throw new Error(`mini-mongo: unsupported update operator ${op}`);
      }
    }
  }
}
