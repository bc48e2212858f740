// gRPC ListService, what campaigns call to launch: StreamRecipients (server
// streaming, paced by the reader, resumable by cursor), CountRecipients and
// GetList; and UpsertSubscribers (client streaming) for systems that feed
// lists. Refusals map the list error catalogue onto gRPC status codes.
import {
  status as GrpcStatus,
  type sendUnaryData,
  type ServerWritableStream,
  type StatusObject,
} from '@grpc/grpc-js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { listV1, serviceProtoFiles, type events } from '@postline/contracts';
import { parseObjectId } from '@postline/list/data-access';
import { isValidTenantId, ListError, ListErrorCode, TENANT_ID_RULE } from '@postline/list/domain';
import { GrpcServices } from '@postline/platform/grpc';
import { LOGGER } from '@postline/platform/http';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { grpcStatusOf } from '../list-error-status';
import { LIST_FEATURE_OPTIONS, type ListFeatureOptions } from '../list-feature.options';
import { ListMetrics, type StreamOutcome } from '../list.metrics';
import { clip, ListsService } from '../lists.service';
import { RecipientsService } from '../recipients.service';
import { SegmentsService } from '../segment/segments.service';
import { StreamUpsertService } from '../upsert/stream-upsert.service';
import { writeWithBackpressure } from './stream-writer';

export const LIST_SERVICE_NAME = 'postline.list.v1.ListService';

type StreamCall = ServerWritableStream<
  listV1.StreamRecipientsRequest,
  listV1.StreamRecipientsResponse
>;

@Injectable()
export class ListGrpcService implements OnModuleInit {
  constructor(
    private readonly grpc: GrpcServices,
    private readonly lists: ListsService,
    private readonly recipients: RecipientsService,
    private readonly upsert: StreamUpsertService,
    private readonly segments: SegmentsService,
    private readonly metrics: ListMetrics,
    @Inject(LIST_FEATURE_OPTIONS) private readonly options: ListFeatureOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Registered before application bootstrap, when the platform starts the gRPC server. */
  onModuleInit(): void {
    this.grpc.register({
      name: LIST_SERVICE_NAME,
      definition: listV1.ListServiceService,
      implementation: this.implementation(),
      protoFile: serviceProtoFiles.list,
    });
  }

  implementation(): listV1.ListServiceServer {
    return {
      streamRecipients: (call: StreamCall) => void this.streamRecipients(call),
      countRecipients: (call, callback) =>
        this.unary(callback, async () => {
          const { list, segment } = await this.resolveTarget(call.request);
          return { count: await this.recipients.count(list.tenantId, list._id, segment) };
        }),
      getList: (call, callback) =>
        this.unary(callback, async () => {
          const details = await this.lists.details(
            this.tenantOf(call.request),
            call.request.listId,
          );
          return {
            listId: details.id,
            name: details.name,
            subscriberCount: details.subscriberCount,
          };
        }),
      upsertSubscribers: (call, callback) =>
        this.unary(callback, () =>
          this.upsert.run(
            call,
            (target) => this.tenantOf(target),
            () => call.cancelled,
          ),
        ),
    };
  }

  private async streamRecipients(call: StreamCall): Promise<void> {
    const started = Date.now();
    let sent = 0;
    let outcome: StreamOutcome = 'completed';
    try {
      const { list, segment } = await this.resolveTarget(call.request);
      const after = parseCursor(call.request.afterCursor);
      const pages = this.recipients.pages(
        list.tenantId,
        list._id,
        after,
        this.options.streamPageSize,
        segment,
      );
      for await (const page of pages) {
        const written = await this.send(call, page.recipients);
        sent += written;
        // Also checked after an empty page: a cancelled call must not keep reading MongoDB.
        if (call.cancelled) {
          outcome = 'cancelled';
          break;
        }
      }
      if (outcome === 'completed') call.end();
    } catch (e) {
      outcome = call.cancelled ? 'cancelled' : 'failed';
      if (!call.cancelled) call.emit('error', this.toStatus(e));
    } finally {
      this.metrics.recipientStreams.inc({ outcome });
      const { tenantId, listId, segmentId } = call.request;
      this.logger.info(
        {
          event: 'recipients_streamed',
          tenantId,
          listId: clip(listId),
          segmentId: clip(segmentId ?? ''),
          adHocSegment: (call.request.segment ?? '') !== '',
          sent,
          outcome,
          ms: Date.now() - started,
        },
        'StreamRecipients ended',
      );
    }
  }

  /** Writes recipients in order at the reader's pace; returns how many went out before a cancel. */
  private async send(call: StreamCall, recipients: events.Recipient[]): Promise<number> {
    let written = 0;
    for (const recipient of recipients) {
      if (call.cancelled) break;
      // Counted once handed to the stream, even if it then has to wait for 'drain'.
      written++;
      this.metrics.recipientsStreamed.inc();
      const message = { recipient, cursor: recipient.subscriberId };
      if (!(await writeWithBackpressure(call, message, this.waitObserver))) break;
    }
    return written;
  }

  private readonly waitObserver = {
    waiting: () => this.metrics.streamsWaiting.inc(),
    resumed: () => this.metrics.streamsWaiting.dec(),
  };

  private unary<Res>(callback: sendUnaryData<Res>, handler: () => Promise<Res>): void {
    handler().then(
      (res) => callback(null, res),
      (e: unknown) => callback(this.toStatus(e)),
    );
  }

  /** The list and segment a stream or count names (a list alone streams the whole list). */
  private resolveTarget(req: {
    tenantId: string;
    listId: string;
    segmentId?: string;
    segment?: string;
  }) {
    return this.segments.resolve(this.tenantOf(req), {
      listId: req.listId,
      segmentId: req.segmentId ?? '',
      expression: req.segment ?? '',
    });
  }

  /** gRPC callers name their tenant explicitly (docs/pipeline-contract.md); there is no default. */
  private tenantOf(req: { tenantId: string }): string {
    if (req.tenantId === '')
      throw new ListError(ListErrorCode.InvalidTenant, 'tenant_id is required');
    if (!isValidTenantId(req.tenantId))
      throw new ListError(ListErrorCode.InvalidTenant, `tenant_id must be ${TENANT_ID_RULE}`);
    return req.tenantId;
  }

  private toStatus(e: unknown): Partial<StatusObject> {
    if (e instanceof ListError)
      return { code: grpcStatusOf(e.code), details: `${e.code}: ${e.message}` };
    this.logger.error({ event: 'grpc_unhandled', err: e }, 'ListService call failed');
    return { code: GrpcStatus.INTERNAL, details: 'internal error' };
  }
}

/** after_cursor: "" to start from the beginning, else the cursor of the last recipient received. */
export function parseCursor(cursor: string): Types.ObjectId | undefined {
  if (cursor === '') return undefined;
  const id = parseObjectId(cursor);
  if (!id)
    throw new ListError(
      ListErrorCode.InvalidCursor,
      `after_cursor "${clip(cursor)}" is not a cursor from this stream`,
    );
  return id;
}
