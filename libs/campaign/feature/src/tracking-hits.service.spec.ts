import { events } from '@postline/contracts';
import { CampaignError } from '@postline/campaign/domain';
import type { KafkaRuntime, OutgoingRecord } from '@postline/platform/kafka';
import { createLogger } from '@postline/platform/logging';
import { createMetricsRegistry } from '@postline/platform/metrics';
import { signToken } from '@postline/shared/signed-token';
import type { CampaignFeatureConfig } from './campaign-feature.config';
import { TRACKING_PRODUCE_TIMEOUT_MS, TrackingHits } from './tracking-hits.service';

const secret = 's3cret';
const claims = {
  tenant: 'acme',
  subscriber: '65a1b2c3d4e5f60718293a4b',
  campaign: 'camp-1',
  message: '0123456789abcdef0123456789abcdef',
};

function setup(send: (topic: string, records: OutgoingRecord[]) => Promise<void>) {
  const registry = createMetricsRegistry('campaign');
  const hits = new TrackingHits(
    { POSTLINE_CAMPAIGN_SIGNING_SECRET: secret } as CampaignFeatureConfig,
    createLogger({ service: 'campaign', level: 'silent' }),
    registry,
    { producer: { send: jest.fn(send) } } as unknown as KafkaRuntime,
  );
  const count = async (kind: string, result: string) => {
    const text = await registry.registry.metrics();
    const line = text
      .split('\n')
      .find((l) =>
        l.startsWith(`postline_campaign_tracking_hits_total{kind="${kind}",result="${result}"}`),
      );
    return line ? Number(line.split(' ')[1]) : 0;
  };
  return { hits, count };
}

describe('TrackingHits', () => {
  afterEach(() => jest.useRealTimers());

  it('produces a CLICKED event keyed by message id and counts it recorded', async () => {
    const sent: Array<[string, OutgoingRecord[]]> = [];
    const { hits, count } = setup(async (topic, records) => void sent.push([topic, records]));
    const hit = hits.verify(
      'click',
      signToken('click', { ...claims, url: 'https://a.test/' }, secret),
    );
    await expect(hits.record(hit)).resolves.toBe(true);
    expect(sent).toHaveLength(1);
    const [topic, [record]] = sent[0];
    expect(topic).toBe('mail.events.v1');
    expect(record.key).toBe(claims.message);
    expect(events.DeliveryEvent.decode(record.value)).toMatchObject({
      type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_CLICKED,
      url: 'https://a.test/',
    });
    expect(await count('click', 'recorded')).toBe(1);
  });

  it('answers false and counts unconfirmed when the produce fails', async () => {
    const { hits, count } = setup(async () => {
      throw new Error('broker down');
    });
    const hit = hits.verify('open', signToken('open', claims, secret));
    await expect(hits.record(hit)).resolves.toBe(false);
    expect(await count('open', 'unconfirmed')).toBe(1);
  });

  it('stops waiting for a produce that does not finish in time', async () => {
    jest.useFakeTimers();
    const { hits, count } = setup(() => new Promise<void>(() => undefined));
    const result = hits.record(hits.verify('open', signToken('open', claims, secret)));
    await jest.advanceTimersByTimeAsync(TRACKING_PRODUCE_TIMEOUT_MS);
    await expect(result).resolves.toBe(false);
    expect(await count('open', 'unconfirmed')).toBe(1);
  });

  it('counts forged and garbled tokens apart, and produces nothing for them', async () => {
    const send = jest.fn(async () => undefined);
    const { hits, count } = setup(send);
    expect(() => hits.verify('open', signToken('open', claims, 'other'))).toThrow(CampaignError);
    expect(() => hits.verify('open', 'garbage')).toThrow(CampaignError);
    expect(await count('open', 'rejected')).toBe(1);
    expect(await count('open', 'invalid')).toBe(1);
    expect(send).not.toHaveBeenCalled();
  });
});
