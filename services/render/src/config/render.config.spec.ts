import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, undocumentedVariables } from '@postline/platform/config';
import {
  assertRenderConfigSafe,
  INSECURE_LOCAL_SIGNING_SECRET,
  renderConfigSchema,
} from './render.config';

describe('render configuration reference', () => {
  it('documents every variable in docs/configuration.md', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');
    expect(undocumentedVariables(renderConfigSchema, doc)).toEqual([]);
  });
});

describe('render signing secret', () => {
  const config = (env: Record<string, string> = {}) => loadConfig(renderConfigSchema, env);

  it('accepts the insecure local default outside production', () => {
    expect(config().POSTLINE_RENDER_SIGNING_SECRET).toBe(INSECURE_LOCAL_SIGNING_SECRET);
    expect(() => assertRenderConfigSafe(config(), 'development')).not.toThrow();
  });

  it('refuses to boot in production with the insecure local default', () => {
    expect(() => assertRenderConfigSafe(config(), 'production')).toThrow(
      /POSTLINE_RENDER_SIGNING_SECRET is required when NODE_ENV=production/,
    );
    const set = config({ POSTLINE_RENDER_SIGNING_SECRET: 'a-real-secret' });
    expect(() => assertRenderConfigSafe(set, 'production')).not.toThrow();
  });

  it('refuses a bounce domain that is not a plain ASCII domain name', () => {
    const bad = config({ POSTLINE_RENDER_BOUNCE_DOMAIN: 'bounces.test>\r\nX: y' });
    expect(() => assertRenderConfigSafe(bad, 'development')).toThrow(
      /POSTLINE_RENDER_BOUNCE_DOMAIN/,
    );
    const good = config({ POSTLINE_RENDER_BOUNCE_DOMAIN: 'bounces.xn--bcher-kva.example' });
    expect(() => assertRenderConfigSafe(good, 'development')).not.toThrow();
  });
});
