// Session bounds: with at most 3 sessions per address and 5 overall, a 4th
// session from one address and a 6th from anywhere are refused with 421 4.7.0
// instead of a greeting and closed, while the admitted ones keep working; a
// freed slot is usable again.
import { SmtpLineClient } from './support/smtp-line-client';
import { metricValue, startSubmission, type SubmissionUnderTest } from './support/submission-e2e';
import { eventually } from '@postline/platform/testing';

describe('connection limits', () => {
  let sut: SubmissionUnderTest;
  const open: SmtpLineClient[] = [];

  beforeAll(async () => {
    sut = await startSubmission({
      POSTLINE_SUBMISSION_MAX_CONNECTIONS: '5',
      POSTLINE_SUBMISSION_MAX_CONNECTIONS_PER_IP: '3',
    });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await sut?.stop();
  });

  const connect = async (localAddress: string) => {
    const c = await SmtpLineClient.connect(sut.smtpPort, { localAddress });
    open.push(c);
    return { client: c, greeting: await c.reply() };
  };

  it('refuses sessions over the per-address and overall bounds with 421 4.7.0 at the greeting', async () => {
    for (let i = 0; i < 3; i++) expect((await connect('127.0.0.1')).greeting).toMatch(/^220 /);
    const fourth = await connect('127.0.0.1');
    expect(fourth.greeting).toBe(
      '421 4.7.0 Too many connections from your address, try again later',
    );
    await fourth.client.closedByServer();

    expect((await connect('127.0.0.2')).greeting).toMatch(/^220 /);
    expect((await connect('127.0.0.3')).greeting).toMatch(/^220 /);
    const sixth = await connect('127.0.0.4');
    expect(sixth.greeting).toBe('421 4.7.0 Too many connections, try again later');
    await sixth.client.closedByServer();

    // Admitted sessions are unaffected.
    expect(await open[0].command('EHLO still.here')).toMatch(/^250/);
    expect(
      await metricValue(
        sut.service.httpUrl,
        'sessions_refused_total{reason="TOO_MANY_CONNECTIONS_FROM_IP"}',
      ),
    ).toBe(1);
    expect(
      await metricValue(
        sut.service.httpUrl,
        'sessions_refused_total{reason="TOO_MANY_CONNECTIONS"}',
      ),
    ).toBe(1);
    expect(await metricValue(sut.service.httpUrl, 'sessions_active')).toBe(5);
  });

  it('admits a session again once a slot is free', async () => {
    expect(await open[0].command('QUIT')).toMatch(/^221 /);
    await open[0].closedByServer();
    await eventually(
      async () =>
        (await metricValue(sut.service.httpUrl, 'sessions_active')) === 4 ? true : undefined,
      5000,
      'the closed session to leave the count',
      50,
    );
    expect((await connect('127.0.0.1')).greeting).toMatch(/^220 /);
  });
});
