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
      maxConnectionsPerHop: 5,
      maxMessagesPerConnection: 100,
    });
  });

  it('parses routing overrides', () => {
    const options = mtaFeatureOptions(
      loadConfig(mtaConfigSchema, { POSTLINE_MTA_ROUTES: '*=127.0.0.1:31025' }),
    );
    expect(options.routes.match('any.test')).toMatchObject({ host: '127.0.0.1', port: 31025 });
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
