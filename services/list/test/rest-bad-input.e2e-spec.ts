// Scenario: the REST API refuses bad input with a precise, typed 4xx, and a
// refused request writes nothing — checked after every refusal through the API
// (subscriber count, member listing) and in the database itself.
import type { ServiceProcess } from '@postline/platform/testing';
import {
  ListApi,
  ListDatabase,
  startListService,
  uniqueDatabase,
  uniqueTenant,
  type ErrorBody,
} from './support/list-harness';

describe('list REST API refuses bad input and writes nothing', () => {
  let service: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let listId: string;
  const dbName = uniqueDatabase('bad_input');

  beforeAll(async () => {
    [service, db] = await Promise.all([startListService(dbName), ListDatabase.open(dbName)]);
    api = new ListApi(service.httpUrl, uniqueTenant('bad-input'));
    listId = await api.createList('Bad input');
    const first = await api.call('POST', `/v1/lists/${listId}/subscribers`, {
      email: 'first@example.com',
      name: 'First',
    });
    expect(first.status).toBe(201);
  });
  afterAll(async () => {
    await service?.stop();
    await db?.dropAndClose();
  });

  /** The state after the one good subscription: exactly one subscriber, one member. */
  async function expectNothingWritten(): Promise<void> {
    expect(await api.subscriberCount(listId)).toBe(1);
    expect((await api.allMembers(listId)).map((m) => m.email)).toEqual(['first@example.com']);
    expect(await db.count('subscribers', api.tenant)).toBe(1);
    expect(await db.count('memberships', api.tenant)).toBe(1);
  }

  async function expectRefused(
    body: unknown,
    status: number,
    code: string,
    message: RegExp,
  ): Promise<void> {
    const res = await api.call<ErrorBody>('POST', `/v1/lists/${listId}/subscribers`, body);
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body.message.join('; ')).toMatch(message);
    await expectNothingWritten();
  }

  it.each<[string, unknown, RegExp]>([
    ['a missing "@"', 'jane.example.com', /^email is missing "@"$/],
    ['a display name', 'Jane Doe <jane@example.com>', /^email looks like a display name/],
    ['a space', 'jane doe@example.com', /^email contains a space$/],
    ['consecutive dots', 'jane..doe@example.com', /^email has consecutive dots/],
    [
      'a header injection',
      'jane@example.com\r\nBcc: all@example.org',
      /^email contains a line break/,
    ],
    ['a non-ASCII local part', 'jäne@example.com', /^email has a non-ASCII local part.*SMTPUTF8/],
    [
      'a domain without a TLD',
      'jane@localhost',
      /^email has a domain "localhost" without a top-level domain$/,
    ],
    ['an address literal', 'jane@[192.0.2.1]', /^email has an address literal/],
    [
      'a local part over 64 octets',
      `${'j'.repeat(65)}@example.com`,
      /^email has a local part of 65 characters; the limit is 64$/,
    ],
    ['a number', 42, /^email must be a string$/],
  ])(
    'refuses an email with %s: 400 INVALID_EMAIL naming the field',
    async (_kind, email, message) => {
      await expectRefused({ email }, 400, 'INVALID_EMAIL', message);
    },
  );

  it('refuses a body without email', async () => {
    await expectRefused({ name: 'No Address' }, 400, 'INVALID_EMAIL', /^email is required$/);
  });

  it('refuses an unknown body field with 400 naming the field', async () => {
    await expectRefused(
      { email: 'jane@example.com', nickname: 'JJ' },
      400,
      'VALIDATION_FAILED',
      /property nickname should not exist/,
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['an array', ['vip'], /^attributes must be a JSON object, got an array$/],
    ['an invalid key', { 'first-name': 'Jane' }, /^attributes key "first-name" is invalid/],
    ['a reserved key', { email: 'other@example.com' }, /^attributes key "email" is reserved/],
    [
      'five levels of nesting',
      { a: { b: { c: { d: { e: 1 } } } } },
      /^attributes are nested deeper than 4 levels/,
    ],
    [
      'more than 16 KiB',
      { blob: 'x'.repeat(16 * 1024) },
      /^attributes are \d+ bytes as JSON; the limit is 16384$/,
    ],
  ])('refuses attributes with %s: 400 INVALID_ATTRIBUTES', async (_kind, attributes, message) => {
    await expectRefused(
      { email: 'jane@example.com', attributes },
      400,
      'INVALID_ATTRIBUTES',
      message,
    );
  });

  it('refuses a name that would inject a header: 400 INVALID_NAME', async () => {
    await expectRefused(
      { email: 'jane@example.com', name: 'Jane\r\nBcc: x@example.org' },
      400,
      'INVALID_NAME',
      /^name contains a control character$/,
    );
  });

  it('refuses a second subscription of the same address, also when spelled differently: 409 ALREADY_SUBSCRIBED', async () => {
    await expectRefused(
      { email: 'first@example.com' },
      409,
      'ALREADY_SUBSCRIBED',
      new RegExp(`already on list ${listId}`),
    );
    await expectRefused(
      { email: ' first@EXAMPLE.com ', name: 'Changed' },
      409,
      'ALREADY_SUBSCRIBED',
      /already on list/,
    );
  });

  it('answers an unknown list with 404 naming the list id', async () => {
    const unknown = '0123456789abcdef01234567';
    for (const [method, path, body] of [
      ['POST', `/v1/lists/${unknown}/subscribers`, { email: 'jane@example.com' }],
      [
        'POST',
        `/v1/lists/${unknown}/subscribers/bulk`,
        { subscribers: [{ email: 'jane@example.com' }] },
      ],
      ['GET', `/v1/lists/${unknown}`, undefined],
      ['GET', `/v1/lists/${unknown}/subscribers`, undefined],
    ] as const) {
      const res = await api.call<ErrorBody>(method, path, body);
      expect({ path, status: res.status, code: res.body.code, message: res.body.message }).toEqual({
        path,
        status: 404,
        code: 'NOT_FOUND',
        message: [`list ${unknown} not found`],
      });
    }
    await expectNothingWritten();
  });

  it('answers a malformed list id with 400 INVALID_ID saying what an id looks like', async () => {
    const res = await api.call<ErrorBody>('POST', '/v1/lists/not-an-id/subscribers', {
      email: 'jane@example.com',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'INVALID_ID',
      message: ['list id "not-an-id" is not a valid list id (24 hexadecimal characters)'],
    });
    await expectNothingWritten();
  });

  it("hides another tenant's list behind 404", async () => {
    const other = new ListApi(service.httpUrl, uniqueTenant('other'));
    const res = await other.call<ErrorBody>('POST', `/v1/lists/${listId}/subscribers`, {
      email: 'jane@example.com',
    });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(await db.count('subscribers', other.tenant)).toBe(0);
    await expectNothingWritten();
  });

  it('refuses a malformed tenant header with 400 INVALID_TENANT', async () => {
    const res = await new ListApi(service.httpUrl, 'bad tenant/../x').call<ErrorBody>(
      'GET',
      `/v1/lists/${listId}`,
    );
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 400,
      code: 'INVALID_TENANT',
    });
  });

  it('refuses a bulk request outside 1..1000 rows as a whole, writing nothing', async () => {
    for (const subscribers of [
      [],
      Array.from({ length: 1001 }, (_, i) => ({ email: `u${i}@example.com` })),
    ]) {
      const res = await api.call<ErrorBody>('POST', `/v1/lists/${listId}/subscribers/bulk`, {
        subscribers,
      });
      expect({ status: res.status, code: res.body.code }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(res.body.message.join(' ')).toMatch(
        /subscribers must contain (at least 1|no more than 1000) elements/,
      );
    }
    await expectNothingWritten();
  });

  it('refuses a list without a name', async () => {
    const res = await api.call<ErrorBody>('POST', '/v1/lists', { name: '   ' });
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(res.body.message).toContain('name must not be blank');
    expect(await db.count('lists', api.tenant)).toBe(1);
  });
});
