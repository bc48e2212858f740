// Scenario: templates that cannot render are refused when saved. PutTemplate
// answers INVALID_ARGUMENT naming the error (line and column for syntax, the
// helper's name for an unknown helper), and nothing is stored.
import { status, type ServiceError } from '@grpc/grpc-js';
import { renderV1 } from '@postline/contracts';
import { createGrpcClient, unary } from '@postline/platform/grpc';
import { startService, type ServiceProcess } from '@postline/platform/testing';
import { randomUUID } from 'node:crypto';

const tenantId = `e2e-bad-${randomUUID().slice(0, 8)}`;

async function grpcError(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('template bad input', () => {
  let render: ServiceProcess;
  let client: renderV1.RenderServiceClient;

  beforeAll(async () => {
    render = await startService('render', { POSTLINE_LOG_LEVEL: 'warn' });
    client = createGrpcClient(renderV1.RenderServiceClient, render.grpcAddress);
  });

  afterAll(async () => {
    client?.close();
    if (render) expect(await render.stop()).toBe(0);
  });

  const put = (templateId: string, html: string) =>
    unary(client.putTemplate.bind(client), {
      tenantId,
      templateId,
      name: templateId,
      subject: 'Hi {{name}}',
      html,
      text: '',
    });

  const renderV1Of = (templateId: string) =>
    unary(client.render.bind(client), {
      tenantId,
      template: { templateId, version: 1 },
      recipient: { subscriberId: 's1', email: 'ada@example.test', name: 'Ada', attributes: {} },
      fromAddress: 'news@sender.test',
      fromName: 'News',
      data: {},
    });

  it('refuses a syntax error with INVALID_ARGUMENT naming line and column, and stores nothing', async () => {
    const err = await grpcError(put('broken', '<p>first line</p>\n<p>Hello {{first_name}</p>'));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^TEMPLATE_SYNTAX: html: syntax error at line 2, column 22/);
    expect(err.metadata.get('postline-error-code')).toEqual(['TEMPLATE_SYNTAX']);

    expect((await grpcError(renderV1Of('broken'))).code).toBe(status.NOT_FOUND);
    const res = await fetch(`${render.httpUrl}/v1/templates/broken/versions/1`, {
      headers: { 'x-postline-tenant': tenantId },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('TEMPLATE_NOT_FOUND');
  });

  it('refuses an unknown helper with INVALID_ARGUMENT naming the helper, and stores nothing', async () => {
    const err = await grpcError(put('shouty', '<p>{{shout first_name}}</p>'));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('TEMPLATE_UNKNOWN_HELPER');
    expect(err.details).toContain('"shout"');
    expect(err.details).toContain('line 1, column 4');
    expect((await grpcError(renderV1Of('shouty'))).code).toBe(status.NOT_FOUND);
  });

  it('refuses a template without a tenant or with a malformed id', async () => {
    const noTenant = await grpcError(
      unary(client.putTemplate.bind(client), {
        tenantId: '',
        templateId: 'x',
        name: '',
        subject: 'S',
        html: 'h',
        text: '',
      }),
    );
    expect(noTenant.code).toBe(status.INVALID_ARGUMENT);
    expect((await grpcError(put('bad id/with slash', '<p>x</p>'))).code).toBe(
      status.INVALID_ARGUMENT,
    );
  });
});
