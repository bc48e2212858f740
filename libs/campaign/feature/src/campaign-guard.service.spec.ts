import type { CampaignDoc, CampaignRepository } from '@postline/campaign/data-access';
import type { GuardCounts, GuardReason } from '@postline/campaign/domain';
import { createLogger } from '@postline/platform/logging';
import { createMetricsRegistry } from '@postline/platform/metrics';
import type { CampaignFeatureConfig } from './campaign-feature.config';
import { CampaignGuard } from './campaign-guard.service';
import type { CampaignLauncher } from './campaign-launcher';

const config = {
  POSTLINE_CAMPAIGN_GUARD_ENABLED: true,
  POSTLINE_CAMPAIGN_GUARD_MIN_ATTEMPTS: 10,
  POSTLINE_CAMPAIGN_GUARD_MAX_HARD_BOUNCE_BASIS_POINTS: 500,
  POSTLINE_CAMPAIGN_GUARD_MAX_COMPLAINT_BASIS_POINTS: 10,
} as CampaignFeatureConfig;

const hard = (n: number): GuardCounts => ({
  delivered: 0,
  bounced: n,
  hardBounced: n,
  complained: 0,
});
const delivered = (n: number): GuardCounts => ({
  delivered: n,
  bounced: 0,
  hardBounced: 0,
  complained: 0,
});

/** A campaigns collection of one sending campaign, in memory, that records the order of calls. */
function setup(overrides: Partial<CampaignFeatureConfig> = {}) {
  const calls: string[] = [];
  const doc: CampaignDoc = {
    _id: 'c1',
    tenantId: 't',
    status: 'sending',
    guardCounts: { delivered: 0, bounced: 0, hardBounced: 0, complained: 0 },
  } as CampaignDoc;
  let failNextWrite = false;
  const repo = {
    addGuardCounts: jest.fn(async (_id: string, d: GuardCounts) => {
      if (failNextWrite) {
        failNextWrite = false;
        throw new Error('mongo down');
      }
      calls.push('addGuardCounts');
      const c = doc.guardCounts!;
      doc.guardCounts = {
        delivered: c.delivered + d.delivered,
        bounced: c.bounced + d.bounced,
        hardBounced: c.hardBounced + d.hardBounced,
        complained: c.complained + d.complained,
      };
      return { ...doc };
    }),
    findById: jest.fn(async () => ({ ...doc })),
    markPaused: jest.fn(async (_id: string, reason: GuardReason) => {
      calls.push(`markPaused:${reason}`);
      if (doc.status !== 'sending') return null;
      Object.assign(doc, { status: 'paused', pauseReason: reason });
      return { ...doc };
    }),
  };
  const launcher = { halt: jest.fn(async () => void calls.push('halt')) };
  const metrics = createMetricsRegistry('campaign');
  const guard = new CampaignGuard(
    { ...config, ...overrides },
    createLogger({ service: 'campaign', level: 'silent' }),
    metrics,
    repo as unknown as CampaignRepository,
    launcher as unknown as CampaignLauncher,
  );
  const pauses = async (reason: GuardReason) => {
    const text = await metrics.registry.metrics();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`postline_campaign_guard_pauses_total{reason="${reason}"}`));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };
  return {
    doc,
    repo,
    launcher,
    guard,
    calls,
    pauses,
    failNextWrite: () => (failNextWrite = true),
  };
}

describe('CampaignGuard', () => {
  it('exports both reasons at zero before any pause, so the first pause is an increase', async () => {
    const { pauses } = setup();
    expect(await pauses('bounce_rate')).toBe(0);
    expect(await pauses('complaint_rate')).toBe(0);
  });

  it('adds the counts of a batch to the campaign in one write per campaign', async () => {
    const { guard, repo, doc } = setup();
    for (let i = 0; i < 5; i++) guard.record('c1', delivered(1));
    await guard.settle(['c1', 'c1', 'c1']);
    expect(repo.addGuardCounts).toHaveBeenCalledTimes(1);
    expect(doc.guardCounts).toMatchObject({ delivered: 5 });
  });

  it('halts the launcher before it writes the pause, and counts the pause once', async () => {
    const { guard, calls, doc, pauses } = setup();
    guard.record('c1', delivered(8));
    guard.record('c1', hard(2));
    await guard.settle(['c1']);
    expect(calls).toEqual(['addGuardCounts', 'halt', 'markPaused:bounce_rate']);
    expect(doc).toMatchObject({ status: 'paused', pauseReason: 'bounce_rate' });
    expect(await pauses('bounce_rate')).toBe(1);

    guard.record('c1', hard(5));
    await guard.settle(['c1']);
    expect(await pauses('bounce_rate')).toBe(1);
  });

  it('leaves a campaign under its limits sending', async () => {
    const { guard, launcher, doc } = setup();
    guard.record('c1', delivered(100));
    guard.record('c1', hard(5));
    await guard.settle(['c1']);
    expect(launcher.halt).not.toHaveBeenCalled();
    expect(doc.status).toBe('sending');
  });

  it('judges a campaign by its own limits where it set them', async () => {
    const { guard, doc } = setup();
    doc.guardLimits = { maxHardBounceBasisPoints: 5000 };
    guard.record('c1', delivered(8));
    guard.record('c1', hard(2));
    await guard.settle(['c1']);
    expect(doc.status).toBe('sending');
  });

  it('keeps the counts of a failed write for the next batch', async () => {
    const { guard, doc, failNextWrite } = setup();
    guard.record('c1', delivered(3));
    failNextWrite();
    await expect(guard.settle(['c1'])).rejects.toThrow('mongo down');
    guard.record('c1', delivered(2));
    await guard.settle(['c1']);
    expect(doc.guardCounts).toMatchObject({ delivered: 5 });
  });

  it('pauses on a re-delivered batch that adds nothing, when the first pause did not land', async () => {
    const { guard, repo, doc } = setup();
    doc.guardCounts = { delivered: 8, bounced: 2, hardBounced: 2, complained: 0 };
    await guard.settle(['c1']);
    expect(repo.addGuardCounts).not.toHaveBeenCalled();
    expect(doc.status).toBe('paused');
  });

  it('only counts, and never pauses, when the guard is switched off', async () => {
    const { guard, doc, launcher } = setup({ POSTLINE_CAMPAIGN_GUARD_ENABLED: false });
    guard.record('c1', hard(20));
    await guard.settle(['c1']);
    expect(doc.guardCounts).toMatchObject({ hardBounced: 20 });
    expect(doc.status).toBe('sending');
    expect(launcher.halt).not.toHaveBeenCalled();
  });

  it('does not count a pause of a campaign that stopped sending meanwhile', async () => {
    const { guard, repo, doc, pauses } = setup();
    doc.guardCounts = { delivered: 8, bounced: 2, hardBounced: 2, complained: 0 };
    // The campaign finishes between the read and the conditional pause.
    repo.markPaused.mockImplementationOnce(async () => {
      doc.status = 'sent';
      return null;
    });
    await guard.settle(['c1']);
    expect(await pauses('bounce_rate')).toBe(0);
    expect(doc.status).toBe('sent');
  });
});
