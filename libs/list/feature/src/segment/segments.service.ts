// Saved segments of a list (CRUD) and the one place that turns what a caller
// names (a list, a saved segment, or an expression) into the list and the
// compiled segment a recipient stream or count runs. An expression is checked
// completely before it is saved: syntax, fields, values, and that every list
// it names with in_list(...) is one of the tenant's.
import { Inject, Injectable } from '@nestjs/common';
import {
  newObjectId,
  parseObjectId,
  type ListDoc,
  type SegmentDoc,
} from '@postline/list/data-access';
import {
  compileNode,
  ListError,
  ListErrorCode,
  parseSegment,
  SegmentMeaningError,
  SegmentSyntaxError,
  type CompiledSegment,
  type SegmentNode,
} from '@postline/list/domain';
import type { Types } from 'mongoose';
import { LIST_STORE } from '../list-feature.options';
import type { ListStore } from '../list-store';
import { clip, ListsService } from '../lists.service';

export interface SegmentView {
  id: string;
  listId: string;
  name: string;
  expression: string;
  createdAt: string;
  updatedAt: string;
}

/** What a stream or count names: a list, and optionally a saved segment or an expression. */
export interface SegmentTarget {
  listId: string;
  segmentId: string;
  expression: string;
}

/** Everything a segment matches: the stream of a list without a segment. */
const WHOLE_LIST: SegmentNode = { kind: 'const', value: true };

@Injectable()
export class SegmentsService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly lists: ListsService,
  ) {}

  async create(
    tenantId: string,
    listId: string,
    body: { name: string; expression: string },
  ): Promise<SegmentView> {
    const list = await this.lists.require(tenantId, listId);
    await this.check(tenantId, body.expression);
    const now = new Date();
    const doc: SegmentDoc = {
      _id: newObjectId(),
      tenantId,
      listId: list._id,
      name: body.name.trim(),
      expression: body.expression,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.segments.create(doc);
    return view(doc);
  }

  async ofList(tenantId: string, listId: string): Promise<SegmentView[]> {
    const list = await this.lists.require(tenantId, listId);
    return (await this.store.segments.ofList(tenantId, list._id)).map(view);
  }

  async get(tenantId: string, segmentId: string): Promise<SegmentView> {
    return view(await this.require(tenantId, segmentId));
  }

  async update(
    tenantId: string,
    segmentId: string,
    body: { name?: string; expression?: string },
  ): Promise<SegmentView> {
    const doc = await this.require(tenantId, segmentId);
    if (body.expression !== undefined) await this.check(tenantId, body.expression);
    const fields = {
      ...(body.name !== undefined ? { name: body.name.trim() } : {}),
      ...(body.expression !== undefined ? { expression: body.expression } : {}),
    };
    const now = new Date();
    await this.store.segments.update(doc._id, fields, now);
    return view({ ...doc, ...fields, updatedAt: now });
  }

  async delete(tenantId: string, segmentId: string): Promise<void> {
    const doc = await this.require(tenantId, segmentId);
    await this.store.segments.delete(doc._id);
  }

  /** The list and compiled segment of a stream or count; `now` anchors `now-60d`. */
  async resolve(
    tenantId: string,
    target: SegmentTarget,
    now = new Date(),
  ): Promise<{ list: ListDoc; segment: CompiledSegment }> {
    if (target.segmentId !== '' && target.expression !== '')
      throw new ListError(
        ListErrorCode.InvalidSegment,
        'name a saved segment or give an expression, not both',
      );
    let listId = target.listId;
    let expression = target.expression;
    if (target.segmentId !== '') {
      const saved = await this.require(tenantId, target.segmentId);
      if (listId !== '' && listId.toLowerCase() !== saved.listId.toHexString())
        throw new ListError(
          ListErrorCode.InvalidSegment,
          `segment ${saved._id.toHexString()} belongs to list ${saved.listId.toHexString()}, not ${clip(listId)}`,
        );
      listId = saved.listId.toHexString();
      expression = saved.expression;
    }
    const list = await this.lists.require(tenantId, listId);
    const ast = expression === '' ? WHOLE_LIST : await this.check(tenantId, expression);
    return { list, segment: compileNode(ast, now) };
  }

  /** Parses the expression and checks the lists it names; refusals carry the position. */
  private async check(tenantId: string, expression: string): Promise<SegmentNode> {
    let ast: SegmentNode;
    try {
      ast = parseSegment(expression);
    } catch (e) {
      if (e instanceof SegmentSyntaxError || e instanceof SegmentMeaningError)
        throw new ListError(ListErrorCode.InvalidSegment, `segment ${e.message}`);
      throw e;
    }
    for (const { listId, pos } of listsNamed(ast)) {
      const id = parseObjectId(listId) as Types.ObjectId;
      if (!(await this.store.lists.find(tenantId, id)))
        throw new ListError(
          ListErrorCode.InvalidSegment,
          `segment at position ${pos}: in_list("${listId}") names no list of this tenant`,
        );
    }
    return ast;
  }

  private async require(tenantId: string, segmentId: string): Promise<SegmentDoc> {
    const id = parseObjectId(segmentId);
    if (!id)
      throw new ListError(
        ListErrorCode.InvalidId,
        `segment id "${clip(segmentId)}" is not a valid id (24 hexadecimal characters)`,
      );
    const doc = await this.store.segments.find(tenantId, id);
    if (!doc) throw new ListError(ListErrorCode.NotFound, `segment ${id.toHexString()} not found`);
    return doc;
  }
}

function listsNamed(node: SegmentNode): Array<{ listId: string; pos: number }> {
  switch (node.kind) {
    case 'in_list':
      return [{ listId: node.listId, pos: node.pos }];
    case 'and':
    case 'or':
      return node.items.flatMap(listsNamed);
    case 'not':
      return listsNamed(node.item);
    default:
      return [];
  }
}

function view(doc: SegmentDoc): SegmentView {
  return {
    id: doc._id.toHexString(),
    listId: doc.listId.toHexString(),
    name: doc.name,
    expression: doc.expression,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
