// Scenario: templates saved as MJML over REST (and gRPC). The source is
// compiled when the version is saved; the version keeps the compiled HTML and
// the source, and previews render merge values through {{#if}} blocks. Broken
// MJML, mj-include, html together with mjml and an oversized source get a 400
// naming the mjml field (with the line where MJML gives one), and nothing is
// stored.
import { renderV1 } from '@postline/contracts';
import { createGrpcClient, unary } from '@postline/platform/grpc';
import { startService, type ServiceProcess } from '@postline/platform/testing';
import { randomUUID } from 'node:crypto';

const tenantId = `e2e-mjml-${randomUUID().slice(0, 8)}`;
/** Small enough to test the bound with a modest body, large enough for WELCOME. */
const MJML_MAX_BYTES = 4096;

const WELCOME = `<mjml>
  <mj-head><mj-title>Welcome {{first_name}}</mj-title></mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{default first_name "friend"}}!</mj-text>
        <mj-text>{{#if vip}}<b>Your VIP code: {{code}}</b>{{else}}Standard plan{{/if}}</mj-text>
        <mj-button href="{{account_url}}">Your account</mj-button>
      </mj-column>
    </mj-section>
    <mj-raw>{{#if promo}}</mj-raw>
    <mj-section><mj-column><mj-text>Promo {{promo}}</mj-text></mj-column></mj-section>
    <mj-raw>{{/if}}</mj-raw>
  </mj-body>
</mjml>
`;

interface StoredVersion {
  tenantId: string;
  templateId: string;
  version: number;
  subject: string;
  html: string;
  text: string;
  mjml: string;
}

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string[];
}

describe('MJML templates', () => {
  let render: ServiceProcess;

  beforeAll(async () => {
    render = await startService('render', {
      POSTLINE_LOG_LEVEL: 'warn',
      POSTLINE_RENDER_MJML_MAX_BYTES: String(MJML_MAX_BYTES),
    });
  });

  afterAll(async () => {
    if (render) expect(await render.stop()).toBe(0);
  });

  const rest = (path: string, init?: RequestInit) =>
    fetch(`${render.httpUrl}/v1/templates${path}`, {
      ...init,
      headers: { 'x-postline-tenant': tenantId, 'content-type': 'application/json' },
    });
  const post = (path: string, body: unknown) =>
    rest(path, { method: 'POST', body: JSON.stringify(body) });

  async function refused(path: string, body: unknown): Promise<ErrorBody> {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    return (await res.json()) as ErrorBody;
  }

  it('stores the compiled HTML beside the MJML source, and previews it with merge values', async () => {
    const res = await post('', {
      templateId: 'welcome',
      subject: 'Hi {{first_name}}',
      mjml: WELCOME,
    });
    expect(res.status).toBe(201);
    const saved = (await res.json()) as StoredVersion;
    expect(saved).toMatchObject({ tenantId, templateId: 'welcome', version: 1, mjml: WELCOME });
    expect(saved.html).toMatch(/^<!doctype html>/i);
    expect(saved.html).toContain(
      '{{#if vip}}<b>Your VIP code: {{code}}</b>{{else}}Standard plan{{/if}}',
    );

    const stored = await rest('/welcome/versions/1');
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({ mjml: WELCOME, html: saved.html });

    const vip = await post('/welcome/versions/1/preview', {
      data: { first_name: 'Ada', vip: true, code: 'V-7', account_url: 'https://a.test/me' },
    });
    expect(vip.status).toBe(200);
    const vipOut = (await vip.json()) as { subject: string; html: string; text: string };
    expect(vipOut.subject).toBe('Hi Ada');
    expect(vipOut.html).toContain('Hello Ada!');
    expect(vipOut.html).toContain('<b>Your VIP code: V-7</b>');
    expect(vipOut.html).not.toContain('Standard plan');
    expect(vipOut.html).toContain('href="https://a.test/me"');
    expect(vipOut.html).not.toContain('Promo');
    expect(vipOut.text).toContain('Your VIP code: V-7');

    const plain = await post('/welcome/versions/1/preview', { data: { promo: 'SPRING' } });
    const plainOut = (await plain.json()) as { html: string };
    expect(plainOut.html).toContain('Hello friend!');
    expect(plainOut.html).toContain('Standard plan');
    expect(plainOut.html).toContain('Promo SPRING');
  });

  it('adds an MJML version to an existing template', async () => {
    const res = await post('/welcome/versions', {
      subject: 'Hello again',
      mjml: WELCOME.replace('Standard plan', 'Basic plan'),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ templateId: 'welcome', version: 2 });
    const preview = await post('/welcome/versions/2/preview', { data: {} });
    expect(((await preview.json()) as { html: string }).html).toContain('Basic plan');
  });

  it('refuses broken MJML with 400 naming the line and the tag, and stores nothing', async () => {
    const broken = WELCOME.replace('<mj-button', '<mj-buton').replace(
      '</mj-button>',
      '</mj-buton>',
    );
    const err = await refused('', { templateId: 'broken', subject: 'S', mjml: broken });
    expect(err.code).toBe('TEMPLATE_MJML_INVALID');
    expect(err.message[0]).toMatch(
      /^mjml: invalid MJML: line 8, column 9 <mj-buton>: Element mj-buton doesn't exist/,
    );
    expect((await rest('/broken/versions/1')).status).toBe(404);
  });

  it('refuses mj-include, html together with mjml, and a source over the size limit', async () => {
    const include = await refused('', {
      templateId: 'incl',
      subject: 'S',
      mjml: '<mjml>\n<mj-body>\n<mj-include path="/etc/passwd" />\n</mj-body>\n</mjml>',
    });
    expect(include.code).toBe('TEMPLATE_UNSUPPORTED');
    expect(include.message[0]).toMatch(/^mjml: <mj-include> is not supported \(line 3, column 1\)/);

    const both = await refused('', {
      templateId: 'both',
      subject: 'S',
      html: '<p>x</p>',
      mjml: WELCOME,
    });
    expect(both.code).toBe('TEMPLATE_INVALID');
    expect(both.message[0]).toMatch(/^html and mjml are exclusive/);

    const big = WELCOME.replace('Standard plan', 'x'.repeat(MJML_MAX_BYTES));
    const oversize = await refused('', { templateId: 'big', subject: 'S', mjml: big });
    expect(oversize.code).toBe('TEMPLATE_INVALID');
    expect(oversize.message[0]).toBe(
      `mjml: the source is ${Buffer.byteLength(big)} bytes, over the limit of ${MJML_MAX_BYTES} bytes`,
    );

    for (const id of ['incl', 'both', 'big']) {
      expect((await rest(`/${id}/versions/1`)).status).toBe(404);
    }
  });

  it('takes MJML over gRPC PutTemplate too', async () => {
    const client = createGrpcClient(renderV1.RenderServiceClient, render.grpcAddress);
    try {
      const put = await unary(client.putTemplate.bind(client), {
        tenantId,
        templateId: 'grpc-mjml',
        name: 'gRPC',
        subject: 'Hi',
        html: '',
        text: '',
        mjml: WELCOME,
      });
      expect(put.template).toEqual({ templateId: 'grpc-mjml', version: 1 });
      const stored = (await (await rest('/grpc-mjml/versions/1')).json()) as StoredVersion;
      expect(stored.mjml).toBe(WELCOME);
      expect(stored.html).toContain('Hello {{default first_name "friend"}}!');
    } finally {
      client.close();
    }
  });
});
