// Campaign requests that must be refused with a clear 4xx, leaving nothing
// half-written: unknown fields, a broken template, an unknown list, a campaign
// launched twice, and a campaign whose list is empty.
import { randomBytes } from 'node:crypto';
import { httpJson, startPlatform, type RunningPlatform } from '@postline/platform/testing';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string[];
}

describe('campaign bad input', () => {
  let platform: RunningPlatform;
  const runId = randomBytes(4).toString('hex');
  const headers = { 'x-postline-tenant': `bad-${runId}` };
  let campaignUrl: string;
  let listUrl: string;

  const campaignBody = (listId: string) => ({
    name: 'bad input',
    listId,
    subject: 'Hello {{first_name}}',
    html: '<p>Hi {{first_name}}</p>',
    fromAddress: 'news@postline.test',
  });
  const createList = async () =>
    (await httpJson<{ id: string }>('POST', `${listUrl}/v1/lists`, { name: `l-${runId}` }, headers))
      .body.id;

  beforeAll(async () => {
    platform = await startPlatform();
    campaignUrl = `${platform.services.campaign.httpUrl}/v1/campaigns`;
    listUrl = platform.services.list.httpUrl;
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('refuses an unknown field with 400 naming it', async () => {
    const res = await httpJson<ErrorBody>(
      'POST',
      campaignUrl,
      { ...campaignBody(await createList()), priority: 'high' },
      headers,
    );
    expect(res.status).toBe(400);
    expect(res.body.message.join(' ')).toContain('property priority should not exist');
  });

  it('refuses a missing or malformed sender with 400 naming the field', async () => {
    const res = await httpJson<ErrorBody>(
      'POST',
      campaignUrl,
      { ...campaignBody(await createList()), fromAddress: 'not an address' },
      headers,
    );
    expect(res.status).toBe(400);
    expect(res.body.message.join(' ')).toContain('fromAddress must be an email address');
  });

  it('refuses a subject carrying a header break', async () => {
    const res = await httpJson<ErrorBody>(
      'POST',
      campaignUrl,
      { ...campaignBody(await createList()), subject: 'Hi\r\nBcc: victim@example.com' },
      headers,
    );
    expect(res.status).toBe(400);
    expect(res.body.message.join(' ')).toContain('subject must not contain CR, LF or NUL');
  });

  it('refuses a template that does not compile with 400 TEMPLATE_INVALID', async () => {
    const res = await httpJson<ErrorBody>(
      'POST',
      campaignUrl,
      { ...campaignBody(await createList()), html: '<p>{{#if first_name}}unclosed</p>' },
      headers,
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('TEMPLATE_INVALID');
  });

  it('refuses an unknown list with 422 LIST_NOT_FOUND', async () => {
    const res = await httpJson<ErrorBody>(
      'POST',
      campaignUrl,
      campaignBody('000000000000000000000000'),
      headers,
    );
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('LIST_NOT_FOUND');
  });

  it('refuses to launch a campaign whose list is empty, and leaves it a draft', async () => {
    const created = await httpJson<{ id: string }>(
      'POST',
      campaignUrl,
      campaignBody(await createList()),
      headers,
    );
    expect(created.status).toBe(201);
    const res = await httpJson<ErrorBody>(
      'POST',
      `${campaignUrl}/${created.body.id}/launch`,
      undefined,
      headers,
    );
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('LIST_EMPTY');
    const after = await httpJson<{ status: string; recipientsQueued: number }>(
      'GET',
      `${campaignUrl}/${created.body.id}`,
      undefined,
      headers,
    );
    expect(after.body).toMatchObject({ status: 'draft', recipientsQueued: 0 });
  });

  it('refuses a second launch with 409 CAMPAIGN_ALREADY_LAUNCHED', async () => {
    const listId = await createList();
    const sub = await httpJson(
      'POST',
      `${listUrl}/v1/lists/${listId}/subscribers`,
      { email: `once-${runId}@twice.test`, attributes: { first_name: 'Once' } },
      headers,
    );
    expect(sub.status).toBe(201);
    const created = await httpJson<{ id: string }>(
      'POST',
      campaignUrl,
      campaignBody(listId),
      headers,
    );
    const first = await httpJson(
      'POST',
      `${campaignUrl}/${created.body.id}/launch`,
      undefined,
      headers,
    );
    expect(first.status).toBe(202);
    const second = await httpJson<ErrorBody>(
      'POST',
      `${campaignUrl}/${created.body.id}/launch`,
      undefined,
      headers,
    );
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('CAMPAIGN_ALREADY_LAUNCHED');
  });

  it('answers 404 CAMPAIGN_NOT_FOUND for an unknown campaign, and for another tenant', async () => {
    const created = await httpJson<{ id: string }>(
      'POST',
      campaignUrl,
      campaignBody(await createList()),
      headers,
    );
    const other = await httpJson<ErrorBody>('GET', `${campaignUrl}/${created.body.id}`, undefined, {
      'x-postline-tenant': 'someone-else',
    });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('CAMPAIGN_NOT_FOUND');
  });
});
