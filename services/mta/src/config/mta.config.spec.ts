import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, loadConfig } from '@postline/platform/config';
import { mtaConfigSchema, mtaFeatureOptions } from './mta.config';

describe('mta config', () => {
  it('defaults to MX delivery with the documented pool and ports', () => {
    const config = loadConfig(mtaConfigSchema, {});
    expect(config).toMatchObject({
      POSTLINE_HTTP_PORT: 38105,
      POSTLINE_GRPC_PORT: 38115,
      POSTLINE_MTA_DB: 'postline_mta',
    });
    const options = mtaFeatureOptions(config);
    expect(options.routes.entries).toEqual([]);
    expect(options.consumerGroup).toBe('postline-mta');
    expect(options.smtp).toMatchObject({
      ehloName: 'postline.localhost',
      maxMessagesPerConnection: 100,
    });
    expect(options.retryTiers.map((t) => t.name)).toEqual(['1m', '10m', '1h', '6h']);
    expect(options.policies.forDomain('any.test')).toMatchObject({
      matchedBy: 'default',
      maxConnections: 5,
      maxMessagesPerConnection: 100,
    });
    expect(options.dkimKeys).toBeUndefined();
  });

  it('parses routing overrides', () => {
    const options = mtaFeatureOptions(
      loadConfig(mtaConfigSchema, { POSTLINE_MTA_ROUTES: '*=127.0.0.1:31025' }),
    );
    expect(options.routes.match('any.test')).toMatchObject({ host: '127.0.0.1', port: 31025 });
  });

  it('stops the boot naming a bad retry tier, a missing policy file, a missing key directory and a bad resolver', () => {
    const config = loadConfig(mtaConfigSchema, {
      POSTLINE_MTA_RETRY_TIERS: '1m,soon',
      POSTLINE_MTA_POLICY_FILE: '/nonexistent/policies.yaml',
      POSTLINE_MTA_DKIM_KEYS_DIR: '/nonexistent/dkim',
      POSTLINE_MTA_DNS_SERVERS: '1.1.1.1,resolver.example',
    });
    let message = '';
    try {
      mtaFeatureOptions(config);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValidationError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/POSTLINE_MTA_RETRY_TIERS retry tier "soon"/);
    expect(message).toMatch(/POSTLINE_MTA_POLICY_FILE .*ENOENT/);
    expect(message).toMatch(/POSTLINE_MTA_DKIM_KEYS_DIR /);
    expect(message).toMatch(/POSTLINE_MTA_DNS_SERVERS entry "resolver.example"/);
  });

  it('reads domain policies from the policy file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mta-policy-'));
    const file = join(dir, 'policies.yaml');
    writeFileSync(
      file,
      'policies:\n  - name: slow\n    match: { domains: [slow.test] }\n    messagesPerMinute: 600\n',
    );
    const options = mtaFeatureOptions(
      loadConfig(mtaConfigSchema, { POSTLINE_MTA_POLICY_FILE: file }),
    );
    expect(options.policies.forDomain('slow.test')).toMatchObject({
      name: 'slow',
      messagesPerMinute: 600,
    });
  });

  it('stops the boot naming every bad MTA setting', () => {
    const config = loadConfig(mtaConfigSchema, {
      POSTLINE_MTA_ROUTES: '*=nowhere',
      POSTLINE_MTA_EHLO_NAME: 'not a name',
    });
    expect(() => mtaFeatureOptions(config)).toThrow(ConfigValidationError);
    expect(() => mtaFeatureOptions(config)).toThrow(
      /POSTLINE_MTA_ROUTES entry 1 "\*=nowhere".*\n.*POSTLINE_MTA_EHLO_NAME must be a host name/,
    );
  });
});
