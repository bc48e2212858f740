// Scenario: the receiver takes the whole message and drops the connection
// before answering the final dot. We cannot know whether it kept the message,
// so the attempt is deferred (451 4.4.2), retried, and delivered; the receiver
// may then hold it twice, which at-least-once delivery accepts and counts.
import { events } from '@postline/contracts';
import {
  outboundMessage,
  policyFile,
  produceOutbound,
  runDomain,
  startPeerScenario,
  type PeerScenario,
} from './support/mta-e2e';

const { DELIVERY_EVENT_TYPE_DEFERRED: DEFERRED, DELIVERY_EVENT_TYPE_DELIVERED: DELIVERED } =
  events.DeliveryEventType;

describe('mta defers a message when the receiver drops the connection after DATA', () => {
  const domain = runDomain();
  const message = outboundMessage(domain, `drop@${domain}`, 'disconnect-after-data');
  let seen = 0;
  let scenario: PeerScenario;

  beforeAll(async () => {
    scenario = await startPeerScenario(
      domain,
      {
        data: () => (seen++ === 0 ? 'disconnect' : '250 2.0.0 Ok'),
      },
      new Set([message.messageId]),
      {
        POSTLINE_MTA_RETRY_TIERS: '1s',
        POSTLINE_MTA_POLICY_FILE: policyFile('defaults:\n  retrySchedule: [1s]\n'),
      },
    );
  });

  afterAll(() => scenario?.stop());

  it('reports 451 4.4.2 deferred, then delivers on a new connection', async () => {
    const { kafka, tap, peer } = scenario;
    await produceOutbound(kafka, [message]);
    await tap.waitFor((all) => all.find((e) => e.type === DELIVERED), 'DELIVERED after the drop');
    expect(tap.events.map((e) => [e.type, e.attempt])).toEqual([
      [DEFERRED, 1],
      [DELIVERED, 2],
    ]);
    expect(tap.events[0].reply).toMatchObject({ code: 451, enhancedCode: '4.4.2' });
    // The peer saw the complete message both times; the second connection is a fresh one.
    expect(peer.transactions.map((t) => t.verdict)).toEqual(['disconnect', '250 2.0.0 Ok']);
    expect(peer.transactions[0].data).toEqual(peer.transactions[1].data);
    expect(peer.connections).toBe(2);
  });
});
