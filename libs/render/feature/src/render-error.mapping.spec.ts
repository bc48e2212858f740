import { status } from '@grpc/grpc-js';
import { createLogger } from '@postline/platform/logging';
import { DomainError } from '@postline/platform/http';
import { RenderError } from '@postline/render/domain';
import { toGrpcError, toHttpError } from './render-error.mapping';

const logger = createLogger({ service: 'render', level: 'silent' });

describe('render error mapping', () => {
  it('answers a template refused at save time with 400 and its code', () => {
    for (const code of ['TEMPLATE_MJML_INVALID', 'TEMPLATE_SYNTAX', 'TEMPLATE_INVALID'] as const) {
      const http = toHttpError(new RenderError(code, 'mjml: invalid MJML: line 3')) as DomainError;
      expect(http).toBeInstanceOf(DomainError);
      expect([http.status, http.code]).toEqual([400, code]);
      expect(toGrpcError(new RenderError(code, 'x'), logger, 'PutTemplate').code).toBe(
        status.INVALID_ARGUMENT,
      );
    }
  });

  it('answers a busy MJML compiler as retryable (503, UNAVAILABLE)', () => {
    const busy = new RenderError('TEMPLATE_COMPILE_BUSY', 'busy');
    expect((toHttpError(busy) as DomainError).status).toBe(503);
    expect(toGrpcError(busy, logger, 'PutTemplate').code).toBe(status.UNAVAILABLE);
  });

  it('keeps preview failures at 422', () => {
    const e = toHttpError(new RenderError('HEADER_INJECTION', 'subject')) as DomainError;
    expect(e.status).toBe(422);
  });
});
