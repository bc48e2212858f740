// Code generated from proto/ by `npm run proto:gen` (buf + ts-proto). This file
// only gives the generated modules stable names; never edit generated code.
import * as path from 'node:path';
import * as fs from 'node:fs';

export * as events from './events';
export * as health from './generated/grpc/health/v1/health';
export * as listV1 from './generated/postline/list/v1/list_service';
export * as renderV1 from './generated/postline/render/v1/render_service';
export * as campaignV1 from './generated/postline/campaign/v1/campaign_service';
export * as mtaV1 from './generated/postline/mta/v1/mta_admin_service';
export * as submissionV1 from './generated/postline/submission/v1/credential_service';

/** The proto/ folder, found from this file whether it runs from source or from dist/. */
export function protoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'proto', 'postline');
    if (fs.existsSync(candidate)) return path.join(dir, 'proto');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('proto/ folder not found above ' + __dirname);
    dir = parent;
  }
}

/** Every .proto file of a service contract, relative to protoRoot(), for gRPC reflection. */
export const serviceProtoFiles = {
  health: 'grpc/health/v1/health.proto',
  list: 'postline/list/v1/list_service.proto',
  render: 'postline/render/v1/render_service.proto',
  campaign: 'postline/campaign/v1/campaign_service.proto',
  mta: 'postline/mta/v1/mta_admin_service.proto',
  submission: 'postline/submission/v1/credential_service.proto',
} as const;
