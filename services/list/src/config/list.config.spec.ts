import { ConfigValidationError, loadConfig } from '@postline/platform/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertListConfigSafe,
  INSECURE_LOCAL_SIGNING_SECRET,
  listConfigSchema,
} from './list.config';

describe('list service config', () => {
  it('defaults to the documented ports, database and topic', () => {
    const config = loadConfig(listConfigSchema, {});
    expect(config).toMatchObject({
      POSTLINE_HTTP_PORT: 38101,
      POSTLINE_GRPC_PORT: 38111,
      POSTLINE_LIST_DB: 'postline_list',
      POSTLINE_LIST_EVENTS_TOPIC: 'list.events.v1',
      POSTLINE_LIST_STREAM_PAGE_SIZE: 500,
      POSTLINE_LIST_MAX_BODY_MB: 20,
      POSTLINE_LIST_MAIL_EVENTS_TOPIC: 'mail.events.v1',
      POSTLINE_LIST_CONSUMER_GROUP: 'postline-list-engagement',
      POSTLINE_LIST_SOFT_BOUNCE_LIMIT: 5,
      POSTLINE_LIST_SIGNING_SECRET: INSECURE_LOCAL_SIGNING_SECRET,
      POSTLINE_LIST_IMPORT_CHUNK_ROWS: 500,
      POSTLINE_LIST_IMPORT_CONCURRENCY: 2,
      POSTLINE_LIST_IMPORT_MAX_ROW_KB: 64,
      POSTLINE_LIST_IMPORT_MAX_REPORTED_ERRORS: 1000,
      POSTLINE_LIST_IMPORT_PROGRESS_INTERVAL_MS: 500,
      POSTLINE_LIST_REQUEST_TIMEOUT_S: 3600,
    });
  });

  it("defaults the signing secret to render's local default, so local tokens verify", () => {
    // Render's schema is not imported here (another scope); the literal pins the pairing.
    expect(INSECURE_LOCAL_SIGNING_SECRET).toBe('insecure-local-render-signing-secret');
  });

  it('reads the signing secret from POSTLINE_LIST_SIGNING_SECRET_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'list-config-')), 'secret');
    writeFileSync(file, 's3cret-from-a-kubernetes-secret\n');
    const config = loadConfig(listConfigSchema, { POSTLINE_LIST_SIGNING_SECRET_FILE: file });
    expect(config.POSTLINE_LIST_SIGNING_SECRET).toBe('s3cret-from-a-kubernetes-secret');
  });

  it('refuses the local signing secret in production, and accepts a real one', () => {
    const local = loadConfig(listConfigSchema, {});
    expect(() => assertListConfigSafe(local, 'production')).toThrow(
      'POSTLINE_LIST_SIGNING_SECRET is required when NODE_ENV=production',
    );
    expect(() => assertListConfigSafe(local, 'development')).not.toThrow();
    const real = loadConfig(listConfigSchema, { POSTLINE_LIST_SIGNING_SECRET: 'k'.repeat(32) });
    expect(() => assertListConfigSafe(real, 'production')).not.toThrow();
  });

  it('refuses a soft-bounce limit below 1, naming the variable', () => {
    expect(() => loadConfig(listConfigSchema, { POSTLINE_LIST_SOFT_BOUNCE_LIMIT: '0' })).toThrow(
      'POSTLINE_LIST_SOFT_BOUNCE_LIMIT must be >= 1',
    );
  });

  it('refuses a page size out of range, naming the variable', () => {
    expect(() => loadConfig(listConfigSchema, { POSTLINE_LIST_STREAM_PAGE_SIZE: '0' })).toThrow(
      ConfigValidationError,
    );
    expect(() => loadConfig(listConfigSchema, { POSTLINE_LIST_STREAM_PAGE_SIZE: '0' })).toThrow(
      'POSTLINE_LIST_STREAM_PAGE_SIZE must be >= 1',
    );
  });
});
