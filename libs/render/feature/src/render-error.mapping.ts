// How a render failure reaches each kind of peer: a gRPC status, an HTTP status
// with the catalogue code, or a dead-letter reason. Unexpected errors never
// leak their internals to a client.
import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { DomainError } from '@postline/platform/http';
import { TemplateVersionContentionError } from '@postline/render/data-access';
import { isRenderError, type RenderErrorCode } from '@postline/render/domain';
import type { Logger } from 'pino';

const GRPC_STATUS: Partial<Record<RenderErrorCode, status>> = {
  TEMPLATE_NOT_FOUND: status.NOT_FOUND,
  // Saying nothing about the template: the same save may succeed a moment later.
  TEMPLATE_COMPILE_BUSY: status.UNAVAILABLE,
};

// A template refused at save time is a bad request body; failures of a preview
// (merge data, rendered output) stay 422: the request was well formed.
const HTTP_STATUS: Partial<Record<RenderErrorCode, number>> = {
  TEMPLATE_NOT_FOUND: 404,
  REQUEST_INVALID: 400,
  TEMPLATE_SYNTAX: 400,
  TEMPLATE_UNKNOWN_HELPER: 400,
  TEMPLATE_HELPER_USAGE: 400,
  TEMPLATE_UNSUPPORTED: 400,
  TEMPLATE_INVALID: 400,
  TEMPLATE_MJML_INVALID: 400,
  TEMPLATE_COMPILE_BUSY: 503,
};

export const ERROR_CODE_METADATA_KEY = 'postline-error-code';

export function toGrpcError(e: unknown, logger: Logger, method: string): Partial<StatusObject> {
  const metadata = new Metadata();
  if (isRenderError(e)) {
    metadata.set(ERROR_CODE_METADATA_KEY, e.code);
    const code = GRPC_STATUS[e.code] ?? status.INVALID_ARGUMENT;
    return { code, details: `${e.code}: ${e.message}`, metadata };
  }
  if (e instanceof TemplateVersionContentionError) {
    metadata.set(ERROR_CODE_METADATA_KEY, e.code);
    return { code: status.ABORTED, details: `${e.code}: ${e.message}`, metadata };
  }
  logger.error({ event: 'grpc_call_failed', method, err: e }, 'gRPC call failed');
  // A database outage is worth retrying for the client; anything else is our bug.
  if (/Mongo.*(Network|ServerSelection|Timeout|NotConnected)/.test((e as Error)?.name ?? '')) {
    return { code: status.UNAVAILABLE, details: 'template store unavailable; retry later' };
  }
  return { code: status.INTERNAL, details: 'internal error' };
}

export function toHttpError(e: unknown): unknown {
  if (isRenderError(e)) return new DomainError(HTTP_STATUS[e.code] ?? 422, e.code, e.message);
  if (e instanceof TemplateVersionContentionError) return new DomainError(409, e.code, e.message);
  return e;
}
