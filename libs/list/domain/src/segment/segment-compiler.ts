// Compiles a parsed segment into MongoDB filters that FerretDB v1 runs as they
// are (plain operators: $and, $or, $nor, $in, $regex, comparisons; no $expr,
// no $lookup). Subscriber conditions become one filter; `in_list(...)` needs
// another collection (memberships), so it is joined in code: top-level
// conditions without it form the main filter, and a top-level part that uses
// it becomes a small boolean "residual" over flags, each flag either "member
// of list X" or "matches subscriber filter N", which the stream computes by
// walking further sorted cursors alongside the main one.
import { parseSegment, type Literal, type SegmentNode } from './segment-parser';

export type MongoFilter = Record<string, unknown>;

export type Residual =
  | { kind: 'and' | 'or'; items: Residual[] }
  | { kind: 'not'; item: Residual }
  /** Subscribed member of `lists[index]`. */
  | { kind: 'list'; index: number }
  /** Matches `subsets[index]`. */
  | { kind: 'subset'; index: number };

export interface CompiledSegment {
  /** Conditions on the subscriber document itself ({} for none). */
  filter: MongoFilter;
  /** Conditions that need membership of other lists; absent when none. */
  residual?: Residual;
  /** List ids (hex) the residual tests membership of. */
  lists: string[];
  /** Subscriber filters the residual tests. */
  subsets: MongoFilter[];
  /** The expression can match no recipient (e.g. `status == "unsubscribed"`). */
  empty: boolean;
}

/** What every recipient is, which decides conditions on `status`. */
export const RECIPIENT_MEMBER_STATUS = 'subscribed';

/** Matches no document (for a condition known to be false). */
const NOTHING: MongoFilter = { _id: { $exists: false } };

export function compileSegment(source: string, now = new Date()): CompiledSegment {
  return compileNode(parseSegment(source), now);
}

export function compileNode(root: SegmentNode, now: Date): CompiledSegment {
  const folded = fold(root);
  const out: CompiledSegment = { filter: {}, lists: [], subsets: [], empty: false };
  if (folded.kind === 'const') {
    out.empty = !folded.value;
    return out;
  }
  const conjuncts = folded.kind === 'and' ? folded.items : [folded];
  const plain: MongoFilter[] = [];
  const joined: Residual[] = [];
  for (const c of conjuncts) {
    if (usesLists(c)) joined.push(residualOf(c, now, out));
    else plain.push(toFilter(c, now));
  }
  out.filter = plain.length === 0 ? {} : plain.length === 1 ? plain[0] : { $and: plain };
  if (joined.length > 0)
    out.residual = joined.length === 1 ? joined[0] : { kind: 'and', items: joined };
  return out;
}

/** Evaluates a residual for one subscriber, given its flags. */
export function evaluateResidual(
  r: Residual,
  member: (listIndex: number) => boolean,
  inSubset: (i: number) => boolean,
): boolean {
  switch (r.kind) {
    case 'and':
      return r.items.every((x) => evaluateResidual(x, member, inSubset));
    case 'or':
      return r.items.some((x) => evaluateResidual(x, member, inSubset));
    case 'not':
      return !evaluateResidual(r.item, member, inSubset);
    case 'list':
      return member(r.index);
    case 'subset':
      return inSubset(r.index);
  }
}

/**
 * Decides conditions on `status` (a recipient is "subscribed") and removes the
 * constants they leave: `x and false` is false, `x or true` is true.
 */
function fold(node: SegmentNode): SegmentNode {
  switch (node.kind) {
    case 'compare':
      if (node.field.name !== 'status') return node;
      return {
        kind: 'const',
        value:
          (node.value.kind === 'string' && node.value.value === RECIPIENT_MEMBER_STATUS) ===
          (node.op === '=='),
      };
    case 'in':
      if (node.field.name !== 'status') return node;
      return {
        kind: 'const',
        value: node.values.some((v) => v.kind === 'string' && v.value === RECIPIENT_MEMBER_STATUS),
      };
    case 'not': {
      const item = fold(node.item);
      return item.kind === 'const' ? { kind: 'const', value: !item.value } : { kind: 'not', item };
    }
    case 'and':
    case 'or': {
      const absorbing = node.kind === 'or';
      const items: SegmentNode[] = [];
      for (const child of node.items.map(fold)) {
        if (child.kind === 'const') {
          if (child.value === absorbing) return child;
          continue;
        }
        items.push(...(child.kind === node.kind ? child.items : [child]));
      }
      if (items.length === 0) return { kind: 'const', value: !absorbing };
      return items.length === 1 ? items[0] : { kind: node.kind, items };
    }
    default:
      return node;
  }
}

function usesLists(node: SegmentNode): boolean {
  switch (node.kind) {
    case 'in_list':
      return true;
    case 'and':
    case 'or':
      return node.items.some(usesLists);
    case 'not':
      return usesLists(node.item);
    default:
      return false;
  }
}

/** A top-level part with in_list: subtrees without it become subscriber filters of their own. */
function residualOf(node: SegmentNode, now: Date, out: CompiledSegment): Residual {
  if (!usesLists(node)) {
    out.subsets.push(toFilter(node, now));
    return { kind: 'subset', index: out.subsets.length - 1 };
  }
  switch (node.kind) {
    case 'in_list': {
      let index = out.lists.indexOf(node.listId);
      if (index < 0) index = out.lists.push(node.listId) - 1;
      return { kind: 'list', index };
    }
    case 'not':
      return { kind: 'not', item: residualOf(node.item, now, out) };
    case 'and':
    case 'or':
      return { kind: node.kind, items: node.items.map((x) => residualOf(x, now, out)) };
    default:
      throw new Error(`unreachable: ${node.kind} uses no list`);
  }
}

/** A subtree without in_list as a MongoDB filter. */
export function toFilter(node: SegmentNode, now: Date): MongoFilter {
  switch (node.kind) {
    case 'and':
      return { $and: node.items.map((x) => toFilter(x, now)) };
    case 'or':
      return { $or: node.items.map((x) => toFilter(x, now)) };
    case 'not':
      return { $nor: [toFilter(node.item, now)] };
    case 'const':
      return node.value ? {} : NOTHING;
    case 'compare':
      return compare(
        node.field.path as string,
        node.op,
        valueOf(node.value, now),
        node.field.type === 'count',
      );
    case 'in': {
      const path = node.field.path as string;
      const values = node.values.map((v) => valueOf(v, now));
      const filter = { [path]: { $in: values } };
      return node.field.type === 'count' && values.includes(0)
        ? { $or: [filter, { [path]: { $exists: false } }] }
        : filter;
    }
    case 'text':
      return {
        [node.field.path as string]: { $regex: textPattern(node.op, node.value), $options: 'i' },
      };
    case 'inactive': {
      const since = new Date(now.getTime() - node.windowMs);
      const quiet = (path: string) => ({
        $or: [{ [path]: { $exists: false } }, { [path]: null }, { [path]: { $lt: since } }],
      });
      return { $and: [quiet('engagement.lastOpenAt'), quiet('engagement.lastClickAt')] };
    }
    case 'in_list':
      throw new Error('unreachable: in_list is joined in code');
  }
}

/**
 * One comparison. `== null` matches a missing field too; counters (opens,
 * clicks, ...) are 0 until the first event, so a comparison that holds for 0
 * also matches subscribers without the field.
 */
function compare(path: string, op: string, value: unknown, counter: boolean): MongoFilter {
  if (value === null) {
    return op === '=='
      ? { $or: [{ [path]: { $exists: false } }, { [path]: null }] }
      : { [path]: { $exists: true, $ne: null } };
  }
  const mongoOp = { '==': '$eq', '!=': '$ne', '<': '$lt', '<=': '$lte', '>': '$gt', '>=': '$gte' }[
    op
  ] as string;
  const filter = { [path]: op === '==' ? value : { [mongoOp]: value } };
  if (counter && holdsForZero(op, value as number))
    return { $or: [filter, { [path]: { $exists: false } }] };
  return filter;
}

function holdsForZero(op: string, n: number): boolean {
  switch (op) {
    case '==':
      return n === 0;
    case '!=':
      return n !== 0;
    case '<':
      return 0 < n;
    case '<=':
      return 0 <= n;
    case '>':
      return 0 > n;
    default:
      return 0 >= n;
  }
}

function valueOf(v: Literal, now: Date): unknown {
  switch (v.kind) {
    case 'null':
      return null;
    case 'time':
      return new Date(now.getTime() + v.offsetMs);
    default:
      return v.value;
  }
}

function textPattern(op: string, text: string): string {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return op === 'starts_with' ? `^${escaped}` : op === 'ends_with' ? `${escaped}$` : escaped;
}
