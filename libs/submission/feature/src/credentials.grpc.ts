// gRPC face of credential management (postline.submission.v1.CredentialService):
// the REST operations through the same CredentialAdmin, requests validated
// against the same DTOs. Catalogue errors map to INVALID_ARGUMENT (naming the
// .proto field), NOT_FOUND and ALREADY_EXISTS; anything else is INTERNAL and logged.
import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { serviceProtoFiles, submissionV1 } from '@postline/contracts';
import { answerUnary, GrpcServices } from '@postline/platform/grpc';
import { LOGGER } from '@postline/platform/http';
import type { Logger } from 'pino';
import { CredentialAdmin, type CredentialView } from './credential-admin';
import { CredentialError } from './credential-errors';
import { protoFieldName, validateInput } from './credential-input';
import { CreateCredentialDto } from './dto/create-credential.dto';
import { ListCredentialsDto } from './dto/list-credentials.dto';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { UpdateCredentialDto } from './dto/update-credential.dto';

export const CREDENTIAL_SERVICE_NAME = 'postline.submission.v1.CredentialService';

function toMessage(c: CredentialView): submissionV1.Credential {
  return {
    username: c.username,
    tenantId: c.tenantId,
    allowedSenderDomains: c.allowedSenderDomains,
    maxRecipients: c.maxRecipients,
    messagesPerMinute: c.messagesPerMinute,
    recipientsPerMinute: c.recipientsPerMinute,
    enabled: c.enabled,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** proto3 has no absent string: an empty secret asks the server to generate one. */
function secretOrGenerate(secret: string): string | undefined {
  return secret === '' ? undefined : secret;
}

@Injectable()
export class CredentialsGrpcService implements OnModuleInit {
  constructor(
    @Inject(GrpcServices) private readonly grpc: GrpcServices,
    @Inject(CredentialAdmin) private readonly admin: CredentialAdmin,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Registered before application bootstrap, when the platform starts the gRPC server. */
  onModuleInit(): void {
    this.grpc.register({
      name: CREDENTIAL_SERVICE_NAME,
      definition: submissionV1.CredentialServiceService,
      implementation: this.implementation(),
      protoFile: serviceProtoFiles.submission,
    });
  }

  implementation(): submissionV1.CredentialServiceServer {
    return {
      createCredential: (call, cb) =>
        this.unary('CreateCredential', call, cb, async (req) => {
          const input = await validateInput(
            CreateCredentialDto,
            {
              username: req.username,
              secret: secretOrGenerate(req.secret),
              allowedSenderDomains: req.allowedSenderDomains,
              maxRecipients: req.maxRecipients,
              messagesPerMinute: req.messagesPerMinute,
              recipientsPerMinute: req.recipientsPerMinute,
              enabled: req.enabled,
            },
            protoFieldName,
          );
          const { credential, generatedSecret } = await this.admin.create(input, req.tenantId);
          return { credential: toMessage(credential), generatedSecret: generatedSecret ?? '' };
        }),
      getCredential: (call, cb) =>
        this.unary('GetCredential', call, cb, async (req) => ({
          credential: toMessage(await this.admin.get(req.username)),
        })),
      listCredentials: (call, cb) =>
        this.unary('ListCredentials', call, cb, async (req) => {
          const query = await validateInput(
            ListCredentialsDto,
            {
              tenantId: req.tenantId || undefined,
              pageSize: req.pageSize || undefined,
              pageToken: req.pageToken || undefined,
            },
            protoFieldName,
          );
          const page = await this.admin.list(query);
          return {
            credentials: page.credentials.map(toMessage),
            nextPageToken: page.nextPageToken ?? '',
          };
        }),
      updateCredential: (call, cb) =>
        this.unary('UpdateCredential', call, cb, async (req) => {
          const input = await validateInput(
            UpdateCredentialDto,
            {
              allowedSenderDomains: req.allowedSenderDomains?.domains,
              maxRecipients: req.maxRecipients,
              messagesPerMinute: req.messagesPerMinute,
              recipientsPerMinute: req.recipientsPerMinute,
              enabled: req.enabled,
            },
            protoFieldName,
          );
          return { credential: toMessage(await this.admin.update(req.username, input)) };
        }),
      disableCredential: (call, cb) =>
        this.unary('DisableCredential', call, cb, async (req) => ({
          credential: toMessage(await this.admin.disable(req.username)),
        })),
      rotateCredentialSecret: (call, cb) =>
        this.unary('RotateCredentialSecret', call, cb, async (req) => {
          const input = await validateInput(
            RotateSecretDto,
            { secret: secretOrGenerate(req.secret) },
            protoFieldName,
          );
          const { credential, generatedSecret } = await this.admin.rotateSecret(
            req.username,
            input.secret,
          );
          return { credential: toMessage(credential), generatedSecret: generatedSecret ?? '' };
        }),
    };
  }

  private unary<Req, Res>(
    method: string,
    call: ServerUnaryCall<Req, Res>,
    callback: sendUnaryData<Res>,
    handler: (req: Req) => Promise<Res>,
  ): void {
    answerUnary(call, callback, handler, (e) => {
      if (e instanceof CredentialError) {
        const field = e.field;
        const details = field ? e.message.split(field).join(protoFieldName(field)) : e.message;
        return { code: e.grpcStatus, details };
      }
      this.logger.error({ event: 'grpc_error', method, err: e }, 'credential call failed');
      return { code: status.INTERNAL, details: 'internal error' };
    });
  }
}
