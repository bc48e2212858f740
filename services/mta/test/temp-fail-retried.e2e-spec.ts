// Scenario: the receiver answers 451 4.7.1 to the first attempt and 250 to the
// next. The first attempt yields a DEFERRED event with the reply and the next
// attempt time; the message waits in the 1s retry tier topic, the forwarder
// puts it back on mail.outbound when due, and attempt 2 yields DELIVERED.
import { events } from '@postline/contracts';
import {
  outboundMessage,
  policyFile,
  produceOutbound,
  runDomain,
  startPeerScenario,
  waitForCommitted,
  type PeerScenario,
} from './support/mta-e2e';

const { DELIVERY_EVENT_TYPE_DEFERRED: DEFERRED, DELIVERY_EVENT_TYPE_DELIVERED: DELIVERED } =
  events.DeliveryEventType;

describe('mta retries a temporary failure through a retry topic', () => {
  const domain = runDomain();
  const recipient = `later@${domain}`;
  const message = outboundMessage(domain, recipient, 'temp-fail');
  let answered = 0;
  let scenario: PeerScenario;

  beforeAll(async () => {
    scenario = await startPeerScenario(
      domain,
      {
        data: () =>
          answered++ === 0 ? '451 4.7.1 Greylisted, try again later' : '250 2.0.0 Ok: queued as X1',
      },
      new Set([message.messageId]),
      {
        POSTLINE_MTA_RETRY_TIERS: '1s',
        POSTLINE_MTA_POLICY_FILE: policyFile(
          'defaults:\n  retrySchedule: [1s]\n  bounceAfter: 1h\n',
        ),
      },
    );
  });

  afterAll(() => scenario?.stop());

  it('defers with the reply and next attempt time, then delivers on attempt 2', async () => {
    const { kafka, tap, mta, peer } = scenario;
    const positions = await produceOutbound(kafka, [message]);
    const delivered = await tap.waitFor(
      (seen) => seen.find((e) => e.type === DELIVERED),
      'a DELIVERED event after the retry',
    );
    const deferred = tap.events.find((e) => e.type === DEFERRED);
    expect(deferred).toMatchObject({
      eventId: `${message.messageId}:deferred:1`,
      attempt: 1,
      recipient,
      reply: { code: 451, enhancedCode: '4.7.1', text: 'Greylisted, try again later' },
      hardBounce: false,
    });
    // The next attempt is the policy's 1 s after the first attempt, and did not happen before it.
    const due = deferred!.nextAttemptAt!.getTime();
    expect(due - deferred!.occurredAt!.getTime()).toBeGreaterThanOrEqual(900);
    expect(delivered).toMatchObject({ eventId: `${message.messageId}:delivered:2`, attempt: 2 });
    expect(delivered.occurredAt!.getTime()).toBeGreaterThanOrEqual(due);
    expect(peer.transactions.map((t) => t.verdict)).toEqual([
      '451 4.7.1 Greylisted, try again later',
      '250 2.0.0 Ok: queued as X1',
    ]);
    // The original record is final (handed to the retry topic) and committed.
    await waitForCommitted(kafka, mta.consumerGroup, positions);
  });
});
