// Scenario: the running service (built, from dist/) serves its REST API's
// OpenAPI document at GET /openapi.yaml, the same file the route test checks.
import type { ServiceProcess } from '@postline/platform/testing';
import { parse } from 'yaml';
import { ListDatabase, startListService, uniqueDatabase } from './support/list-harness';

describe('OpenAPI document', () => {
  const dbName = uniqueDatabase('openapi');
  let service: ServiceProcess;
  let db: ListDatabase;

  beforeAll(async () => {
    [service, db] = await Promise.all([startListService(dbName), ListDatabase.open(dbName)]);
  });
  afterAll(async () => {
    await service?.stop();
    await db?.dropAndClose();
  });

  it('serves the OpenAPI 3.1 document of its REST API as YAML', async () => {
    const res = await fetch(`${service.httpUrl}/openapi.yaml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
    const doc = parse(await res.text()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/lists', '/u/{token}', '/u/confirm/{token}']),
    );
  });
});
