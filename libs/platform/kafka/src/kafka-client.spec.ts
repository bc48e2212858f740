import type { Admin } from 'kafkajs';
import { ensureTopics } from './kafka-client';

/** A stand-in for the kafkajs Admin (pure logic: the broker's answers are scripted). */
function scriptedAdmin(createAnswers: Array<Error | undefined>) {
  const created: string[][] = [];
  const admin = {
    listTopics: async () => created.flat(),
    createTopics: async ({ topics }: { topics: Array<{ topic: string }> }) => {
      const answer = createAnswers.shift();
      if (answer) throw answer;
      created.push(topics.map((t) => t.topic));
      return true;
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })),
    }),
  };
  return { admin: admin as unknown as Admin, created };
}

const protocolError = (type: string, retriable: boolean) =>
  Object.assign(new Error(type), { type, retriable });
const spec = { topic: 'mail.render.v1', numPartitions: 1, replicationFactor: 1 };

describe('ensureTopics', () => {
  it('asks again when the broker does not host a topic-partition yet (another service is creating it)', async () => {
    const { admin, created } = scriptedAdmin([
      protocolError('UNKNOWN_TOPIC_OR_PARTITION', true),
      undefined,
    ]);
    await ensureTopics(admin, [spec], 5000);
    expect(created).toEqual([['mail.render.v1']]);
  });

  it('goes on when another service created the topic between list and create', async () => {
    const { admin } = scriptedAdmin([protocolError('TOPIC_ALREADY_EXISTS', false)]);
    await expect(ensureTopics(admin, [spec], 5000)).resolves.toBeUndefined();
  });

  it('fails at once on an error that asking again cannot fix', async () => {
    const { admin } = scriptedAdmin([protocolError('TOPIC_AUTHORIZATION_FAILED', false)]);
    await expect(ensureTopics(admin, [spec], 5000)).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
  });
});
