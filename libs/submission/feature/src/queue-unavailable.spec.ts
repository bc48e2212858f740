// Durable acceptance seen from the client, over a loopback socket: when Kafka
// does not acknowledge within the bound, the answer is 451 4.3.0, never 250.
import type { DurableProducer } from '@postline/platform/kafka';
import { authPlainLine, RawPeer, SPEC_SECRET, startSpecListener } from './listener.spec-support';

describe('queue unavailable', () => {
  it('answers 451 4.3.0 at end of DATA when Kafka does not acknowledge in time', async () => {
    const hung = { send: () => new Promise<void>(() => undefined) } as unknown as DurableProducer;
    const sut = await startSpecListener({ acceptTimeoutMs: 200 }, { producer: hung });
    const peer = await RawPeer.connect(sut.port);
    try {
      await peer.reply();
      // The client pipelines the whole transaction; smtp-server parses it in order.
      peer.write(
        [
          'EHLO c.test',
          authPlainLine('app', SPEC_SECRET),
          'MAIL FROM:<a@example.com>',
          'RCPT TO:<b@one.test>',
          'DATA',
          'From: a@example.com',
          'Subject: x',
          '',
          'hello',
          '.',
          '',
        ].join('\r\n'),
      );
      const replies = [];
      for (let i = 0; i < 6; i++) replies.push(await peer.reply());
      expect(replies[4]).toMatch(/^354 /);
      expect(replies[5]).toMatch(/^451 4\.3\.0 Queue temporarily unavailable/);
    } finally {
      peer.close();
      await sut.close();
    }
  });
});
