// gRPC RenderService: PutTemplate stores a template version only if it compiles
// (INVALID_ARGUMENT with line and column otherwise; an MJML source is compiled to
// the stored HTML first); Render renders one message for the given data, for
// previews and transactional sends.
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { renderV1, serviceProtoFiles } from '@postline/contracts';
import { answerUnary, GrpcServices } from '@postline/platform/grpc';
import { LOGGER } from '@postline/platform/http';
import { buildMergeData, messageIdFor, RenderError, renderMessage } from '@postline/render/domain';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { toGrpcError } from './render-error.mapping';
import { assertId, TemplateCatalog } from './template-catalog.service';

export const RENDER_SERVICE_NAME = 'postline.render.v1.RenderService';

@Injectable()
export class RenderGrpcService implements OnModuleInit {
  constructor(
    @Inject(GrpcServices) private readonly grpc: GrpcServices,
    @Inject(TemplateCatalog) private readonly catalog: TemplateCatalog,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Registered before application bootstrap, when the shared gRPC server starts. */
  onModuleInit(): void {
    this.grpc.register({
      name: RENDER_SERVICE_NAME,
      definition: renderV1.RenderServiceService,
      implementation: this.implementation(),
      protoFile: serviceProtoFiles.render,
    });
  }

  implementation(): renderV1.RenderServiceServer {
    return {
      putTemplate: (call, callback) =>
        this.unary('PutTemplate', call, callback, (r) => this.putTemplate(r)),
      render: (call, callback) => this.unary('Render', call, callback, (r) => this.render(r)),
    };
  }

  async putTemplate(req: renderV1.PutTemplateRequest): Promise<renderV1.PutTemplateResponse> {
    const record = await this.catalog.save(req);
    return { template: { templateId: record.templateId, version: record.version } };
  }

  async render(req: renderV1.RenderRequest): Promise<renderV1.RenderResponse> {
    assertId('tenant_id', req.tenantId);
    if (!req.template?.templateId || !req.template.version) {
      throw new RenderError(
        'REQUEST_INVALID',
        'template.template_id and template.version are required',
      );
    }
    if (!req.recipient) throw new RenderError('REQUEST_INVALID', 'recipient is required');
    const { compiled } = await this.catalog.load(
      req.tenantId,
      req.template.templateId,
      req.template.version,
    );
    const { recipient } = req;
    const out = await renderMessage(compiled, {
      // Each call is a distinct message (no pipeline request id to derive it from).
      messageId: messageIdFor(randomUUID()),
      from: { address: req.fromAddress, name: req.fromName },
      to: { email: recipient.email, name: recipient.name },
      data: buildMergeData(recipient, req.data),
      date: new Date(),
    });
    return {
      subject: out.subject,
      html: out.html,
      text: out.text,
      rawMime: out.rawMime,
      messageId: out.messageId,
    };
  }

  private unary<Req, Res>(
    method: string,
    call: ServerUnaryCall<Req, Res>,
    callback: sendUnaryData<Res>,
    handler: (req: Req) => Promise<Res>,
  ): void {
    answerUnary(call, callback, handler, (e) => toGrpcError(e, this.logger, method));
  }
}
