// Kafka stops under a running service (a broker of this scenario's own, never
// the shared one): a message finished while it is down gets 451 4.3.0, never
// 250, and /readyz turns 503; once the broker is back the service is ready
// again and accepts mail. Nothing reaches the topic unaccounted for: it holds
// the messages answered 250, plus the 451 one only if the service counted it as
// a late produce (a produce cannot be called back once started).
import { events } from '@postline/contracts';
import { eventually } from '@postline/platform/testing';
import { Kafka, logLevel } from 'kafkajs';
import { createPrivateKafka, type PrivateKafka } from './support/private-kafka';
import { authenticatedSession } from './support/smtp-line-client';
import {
  metricValue,
  sendOne,
  startSubmissionProcess,
  type SubmissionProcess,
} from './support/submission-e2e';

jest.setTimeout(240_000);

async function subjectsOnTopic(brokers: string, until: string): Promise<string[]> {
  const kafka = new Kafka({
    brokers: [brokers],
    clientId: 'e2e-kafka-down',
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `e2e-kafka-down-${Date.now()}` });
  const subjects: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'mail.outbound.v1', fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`"${until}" not seen; got ${subjects}`)),
        30000,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          const mime = Buffer.from(
            events.OutboundMessage.decode(message.value as Buffer).rawMime,
          ).toString('latin1');
          const subject = /\r\nSubject: ([^\r]*)\r\n/.exec(mime)?.[1] ?? '';
          subjects.push(subject);
          if (subject === until) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return subjects;
}

describe('Kafka down', () => {
  let broker: PrivateKafka;
  let sut: SubmissionProcess;

  beforeAll(async () => {
    broker = await createPrivateKafka();
    await broker.start();
    sut = await startSubmissionProcess({
      POSTLINE_KAFKA_BROKERS: broker.brokers,
      POSTLINE_SUBMISSION_ACCEPT_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => {
    await sut?.stop();
    await broker?.destroy();
  });

  const send = async (subject: string) => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    try {
      return await sendOne(c, `app@${sut.senderDomain}`, 'rcpt@one.test', subject);
    } finally {
      c.close();
    }
  };
  const readyz = async () => (await fetch(`${sut.service.httpUrl}/readyz`)).status;
  const late = async () =>
    (await metricValue(sut.service.httpUrl, 'late_produce_total{outcome="produced"}')) +
    (await metricValue(sut.service.httpUrl, 'late_produce_total{outcome="failed"}'));

  it('answers 451 4.3.0 while Kafka is down, recovers after, and accounts for every record', async () => {
    expect(await send('before the outage')).toMatch(/^250 2\.0\.0 Queued as /);

    await broker.stop();
    expect(await send('during the outage')).toBe(
      '451 4.3.0 Queue temporarily unavailable, message not accepted, try again later',
    );
    expect(
      await metricValue(
        sut.service.httpUrl,
        'messages_total{result="tempfailed",reason="QUEUE_UNAVAILABLE"}',
      ),
    ).toBe(1);
    await eventually(async () => ((await readyz()) === 503 ? true : undefined), 15000, '503');

    await broker.start();
    await eventually(async () => ((await readyz()) === 200 ? true : undefined), 60000, '200');
    // The 451 message's produce is still retrying inside the client library; wait for its end.
    await eventually(async () => ((await late()) === 1 ? true : undefined), 60000, 'late outcome');
    expect(await send('after the outage')).toMatch(/^250 2\.0\.0 Queued as /);

    const subjects = await subjectsOnTopic(broker.brokers, 'after the outage');
    const producedLate =
      (await metricValue(sut.service.httpUrl, 'late_produce_total{outcome="produced"}')) === 1;
    expect(subjects.sort()).toEqual(
      [
        'before the outage',
        'after the outage',
        ...(producedLate ? ['during the outage'] : []),
      ].sort(),
    );
  });
});
