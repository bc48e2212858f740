// One JSON shape for every REST error: { statusCode, error, message[] , code? }.
// Unexpected errors are logged with the request id and answered 500 without internals.
import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';

/** An error a feature raises on purpose, with a stable machine-readable code. */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (exception instanceof DomainError) {
      res
        .status(exception.status)
        .json({ statusCode: exception.status, code: exception.code, message: [exception.message] });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message =
        typeof body === 'object' && body && 'message' in body
          ? (body as { message: unknown }).message
          : exception.message;
      res.status(status).json({
        statusCode: status,
        code: codeFor(status),
        message: Array.isArray(message) ? message : [message],
      });
      return;
    }
    this.logger.error(
      { event: 'http_unhandled', method: req.method, path: req.path, err: exception },
      'unhandled error',
    );
    res.status(500).json({ statusCode: 500, code: 'INTERNAL', message: ['internal error'] });
  }
}

function codeFor(status: number): string {
  if (status === 400) return 'VALIDATION_FAILED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  return `HTTP_${status}`;
}
