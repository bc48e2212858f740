// Scenario: the receiver keeps answering 451. The message is retried on the
// policy's schedule until its bounce-after age, then bounces as expired
// (550 5.4.7, category expired, not a hard bounce) with the last reply kept.
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

const { DELIVERY_EVENT_TYPE_DEFERRED: DEFERRED, DELIVERY_EVENT_TYPE_BOUNCED: BOUNCED } =
  events.DeliveryEventType;

describe('mta bounces a message that is still deferred at bounce-after', () => {
  const domain = runDomain();
  // No first-attempt time: the MTA stamps it at attempt 1, so the 5 s count from there.
  const message = {
    ...outboundMessage(domain, `full@${domain}`, 'expiry'),
    firstAttemptAt: undefined,
  };
  let scenario: PeerScenario;

  beforeAll(async () => {
    scenario = await startPeerScenario(
      domain,
      {
        rcptTo: () => '452 4.2.2 Mailbox full',
      },
      new Set([message.messageId]),
      {
        POSTLINE_MTA_RETRY_TIERS: '1s',
        POSTLINE_MTA_POLICY_FILE: policyFile(
          'defaults:\n  retrySchedule: [1s]\n  bounceAfter: 5s\n',
        ),
      },
    );
  });

  afterAll(() => scenario?.stop());

  it('retries every second and bounces as expired after 5 s', async () => {
    const { kafka, tap, mta, peer } = scenario;
    const positions = await produceOutbound(kafka, [message]);
    const bounce = await tap.waitFor(
      (all) => all.find((e) => e.type === BOUNCED),
      'the expiry bounce',
    );
    const deferrals = tap.events.filter((e) => e.type === DEFERRED);
    // Attempts about a second apart (plus forwarding), the last one at 5 s: all but the last deferred.
    expect(deferrals.length).toBeGreaterThanOrEqual(2);
    expect(deferrals.map((e) => e.attempt)).toEqual(deferrals.map((_, i) => i + 1));
    expect(bounce).toMatchObject({
      attempt: deferrals.length + 1,
      hardBounce: false,
      bounceCategory: events.BounceCategory.BOUNCE_CATEGORY_EXPIRED,
      reply: { code: 550, enhancedCode: '5.4.7' },
    });
    expect(bounce.reply!.text).toMatch(/last reply: 452 4\.2\.2 Mailbox full/);
    expect(tap.events.filter((e) => e.type === BOUNCED)).toHaveLength(1);
    expect(peer.delivered).toHaveLength(0);
    await waitForCommitted(kafka, mta.consumerGroup, positions);
  });
});
