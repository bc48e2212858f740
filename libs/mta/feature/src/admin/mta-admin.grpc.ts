// gRPC face of the MTA admin API (postline.mta.v1.MtaAdminService): the same
// operations as the REST controller, through MtaAdmin. A bad target or domain
// is INVALID_ARGUMENT; anything unexpected is INTERNAL and logged.
import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { mtaV1, serviceProtoFiles } from '@postline/contracts';
import { normalizeDomain } from '@postline/mta/routing';
import { answerUnary, GrpcServices } from '@postline/platform/grpc';
import { LOGGER } from '@postline/platform/http';
import type { Logger } from 'pino';
import { MtaAdmin, PolicyOverrideRejected } from './mta-admin';

export const MTA_ADMIN_SERVICE_NAME = 'postline.mta.v1.MtaAdminService';

const TARGET = /^(policy:[a-z0-9][a-z0-9_.-]{0,63}|[a-z0-9.-]+(#\d{1,3})?)$/;

class InvalidArgument extends Error {}

function domainOf(value: string): string {
  const domain = normalizeDomain(value);
  if (!domain) throw new InvalidArgument(`"${value}" is not a domain name`);
  return domain;
}

function targetOf(value: string): string {
  const target = value.trim().toLowerCase();
  if (!TARGET.test(target)) {
    throw new InvalidArgument(
      'target must be a domain, a routing key (domain#shard) or policy:<name>',
    );
  }
  return target;
}

@Injectable()
export class MtaAdminGrpcService implements OnModuleInit {
  constructor(
    @Inject(GrpcServices) private readonly grpc: GrpcServices,
    @Inject(MtaAdmin) private readonly admin: MtaAdmin,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.grpc.register({
      name: MTA_ADMIN_SERVICE_NAME,
      definition: mtaV1.MtaAdminServiceService,
      implementation: this.implementation(),
      protoFile: serviceProtoFiles.mta,
    });
  }

  implementation(): mtaV1.MtaAdminServiceServer {
    return {
      listQueues: (call, cb) =>
        this.unary('ListQueues', call, cb, async (req) => {
          const domain = req.domain ? domainOf(req.domain) : undefined;
          const destinations = this.admin
            .queues()
            .filter((q) => !domain || q.domain === domain)
            .map((q) => ({ ...q, routeError: q.routeError ?? '' }));
          return { destinations };
        }),
      suspendDestination: (call, cb) =>
        this.unary('SuspendDestination', call, cb, async (req) => {
          const target = targetOf(req.target);
          await this.admin.suspend(target, req.reason || 'suspended by operator');
          return { target };
        }),
      resumeDestination: (call, cb) =>
        this.unary('ResumeDestination', call, cb, async (req) => ({
          wasSuspended: await this.admin.resume(targetOf(req.target)),
        })),
      bounceQueued: (call, cb) =>
        this.unary('BounceQueued', call, cb, async (req) => ({
          bounced: await this.admin.bounceQueued(domainOf(req.domain)),
        })),
      reloadPolicies: (call, cb) =>
        this.unary('ReloadPolicies', call, cb, async () => ({
          policies: await this.admin.reload(),
        })),
    };
  }

  private unary<Req, Res>(
    method: string,
    call: ServerUnaryCall<Req, Res>,
    callback: sendUnaryData<Res>,
    handler: (req: Req) => Promise<Res>,
  ): void {
    answerUnary(call, callback, handler, (e) => {
      if (e instanceof InvalidArgument || e instanceof PolicyOverrideRejected)
        return { code: status.INVALID_ARGUMENT, details: e.message };
      this.logger.error({ event: 'grpc_error', method, err: e }, 'admin call failed');
      return { code: status.INTERNAL, details: 'internal error' };
    });
  }
}
