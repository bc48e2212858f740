// Scenario: saving is append-only and race-safe. Concurrent PutTemplate calls
// for one template get distinct consecutive versions (the unique index orders
// them, no transactions); each version stays readable, previewable and
// renderable, and hostile merge data cannot inject a header.
import { status, type ServiceError } from '@grpc/grpc-js';
import { renderV1 } from '@postline/contracts';
import { createGrpcClient, unary } from '@postline/platform/grpc';
import { startService, type ServiceProcess } from '@postline/platform/testing';
import { randomUUID } from 'node:crypto';

const tenantId = `e2e-versions-${randomUUID().slice(0, 8)}`;
const CONCURRENT = 8;

describe('template versions', () => {
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

  const rest = (path: string, init?: RequestInit) =>
    fetch(`${render.httpUrl}/v1/templates/${path}`, {
      ...init,
      headers: { 'x-postline-tenant': tenantId, 'content-type': 'application/json' },
    });

  it('gives concurrent saves of one template distinct consecutive versions', async () => {
    const saves = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        unary(client.putTemplate.bind(client), {
          tenantId,
          templateId: 'news',
          name: 'News',
          subject: `Issue ${i} for {{default first_name "you"}}`,
          html: `<p>Issue ${i}: hello {{first_name}}</p>`,
          text: '',
        }),
      ),
    );
    const versions = saves.map((s) => s.template!.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: CONCURRENT }, (_, i) => i + 1));

    const third = await rest('news/versions/3');
    expect(third.status).toBe(200);
    expect(await third.json()).toMatchObject({
      tenantId,
      templateId: 'news',
      version: 3,
      name: 'News',
    });
    expect((await rest(`news/versions/${CONCURRENT + 1}`)).status).toBe(404);
  });

  it('previews a stored version over REST without sending anything', async () => {
    const saved = await unary(client.putTemplate.bind(client), {
      tenantId,
      templateId: '',
      name: 'Receipt',
      subject: 'Receipt for {{name}}',
      html: '<p>Total: {{total}} {{note}}</p>',
      text: '',
    });
    const { templateId, version } = saved.template!;
    expect(templateId).toMatch(/^tpl_[0-9a-f]{16}$/);
    const res = await rest(`${templateId}/versions/${version}/preview`, {
      method: 'POST',
      body: JSON.stringify({ data: { name: 'Ada', total: '12 €', note: '<i>thanks</i>' } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      subject: 'Receipt for Ada',
      html: '<p>Total: 12 € &lt;i&gt;thanks&lt;/i&gt;</p>',
      text: 'Total: 12 € <i>thanks</i>',
    });

    const hostile = await rest(`${templateId}/versions/${version}/preview`, {
      method: 'POST',
      body: JSON.stringify({ data: { name: 'Ada\r\nBcc: all@victim.test' } }),
    });
    expect(hostile.status).toBe(422);
    expect(((await hostile.json()) as { code: string }).code).toBe('HEADER_INJECTION');
  });

  it('renders one message over gRPC and refuses CR/LF from merge data in the subject', async () => {
    const call = (firstName: string) =>
      unary(client.render.bind(client), {
        tenantId,
        template: { templateId: 'news', version: 2 },
        recipient: {
          subscriberId: 's9',
          email: 'ada@Example.test',
          name: 'Ada',
          attributes: { first_name: firstName },
        },
        fromAddress: 'news@sender.test',
        fromName: 'News',
        data: {},
      });
    const out = await call('Ada');
    expect(out.subject).toMatch(/^Issue \d for Ada$/);
    expect(out.messageId).toMatch(/^[0-9a-f]{32}$/);
    const mime = Buffer.from(out.rawMime).toString('utf8');
    expect(mime).toContain(`Message-ID: <${out.messageId}@sender.test>`);
    expect(mime).toContain(`Subject: ${out.subject}`);

    let err: ServiceError | undefined;
    await call('Ada\r\nBcc: everyone@victim.test').catch((e: ServiceError) => (err = e));
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/^HEADER_INJECTION/);
  });
});
