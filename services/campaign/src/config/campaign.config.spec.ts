import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadConfig, undocumentedVariables } from '@postline/platform/config';
import {
  assertCampaignConfigSafe,
  campaignConfigSchema,
  INSECURE_LOCAL_SIGNING_SECRET,
} from './campaign.config';

describe('campaign configuration reference', () => {
  it('documents every variable in docs/configuration.md', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');
    expect(undocumentedVariables(campaignConfigSchema, doc)).toEqual([]);
  });
});

describe('campaign tracking signing secret', () => {
  it('reads the secret from POSTLINE_CAMPAIGN_SIGNING_SECRET_FILE, without the trailing newline', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'campaign-secret-')), 'secret');
    writeFileSync(file, 'from-a-kubernetes-secret\n');
    const config = loadConfig(campaignConfigSchema, {
      POSTLINE_CAMPAIGN_SIGNING_SECRET_FILE: file,
    });
    expect(config.POSTLINE_CAMPAIGN_SIGNING_SECRET).toBe('from-a-kubernetes-secret');
  });

  it("defaults to render's local secret, so a local setup verifies render's tokens", () => {
    const config = loadConfig(campaignConfigSchema, {});
    expect(config.POSTLINE_CAMPAIGN_SIGNING_SECRET).toBe(INSECURE_LOCAL_SIGNING_SECRET);
    expect(INSECURE_LOCAL_SIGNING_SECRET).toBe('insecure-local-render-signing-secret');
    expect(() => assertCampaignConfigSafe(config, 'development')).not.toThrow();
  });

  it('refuses the local secret in production and accepts a real one', () => {
    expect(() =>
      assertCampaignConfigSafe(loadConfig(campaignConfigSchema, {}), 'production'),
    ).toThrow('POSTLINE_CAMPAIGN_SIGNING_SECRET is required when NODE_ENV=production');
    const real = loadConfig(campaignConfigSchema, {
      POSTLINE_CAMPAIGN_SIGNING_SECRET: 'k'.repeat(32),
    });
    expect(() => assertCampaignConfigSafe(real, 'production')).not.toThrow();
  });
});
