// Serves the list service's hand-written OpenAPI document (services/list/openapi.yaml)
// at GET /openapi.yaml. The file is read once at boot; a build that left it out
// still boots (the API works without its description) and answers 404 here.
import { Controller, Get, Inject, NotFoundException, Res } from '@nestjs/common';
import { LOGGER } from '@postline/platform/http';
import type { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';

/**
 * Where the document is: beside src/ when running from source (tests), and at
 * the same place under the repository (or image) root when running from dist/.
 */
export function openApiDocumentPaths(dir = __dirname): string[] {
  return [
    resolve(dir, '../../openapi.yaml'),
    resolve(dir, '../../../../../services/list/openapi.yaml'),
  ];
}

@Controller()
export class OpenApiController {
  private readonly document: string | undefined;

  constructor(@Inject(LOGGER) logger: Logger) {
    const path = openApiDocumentPaths().find((p) => existsSync(p));
    this.document = path ? readFileSync(path, 'utf8') : undefined;
    if (!path)
      logger.warn({ event: 'openapi_missing' }, 'openapi.yaml not found; GET /openapi.yaml is 404');
  }

  @Get('openapi.yaml')
  serve(@Res({ passthrough: true }) res: Response): string {
    if (this.document === undefined)
      throw new NotFoundException('the API document is not installed');
    res.set({ 'Content-Type': 'application/yaml; charset=utf-8', 'Cache-Control': 'no-cache' });
    return this.document;
  }
}
