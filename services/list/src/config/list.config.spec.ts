import { ConfigValidationError, loadConfig } from '@postline/platform/config';
import { listConfigSchema } from './list.config';

describe('list service config', () => {
  it('defaults to the documented ports, database and topic', () => {
    const config = loadConfig(listConfigSchema, {});
    expect(config).toMatchObject({
      POSTLINE_HTTP_PORT: 38101,
      POSTLINE_GRPC_PORT: 38111,
      POSTLINE_LIST_DB: 'postline_list',
      POSTLINE_LIST_EVENTS_TOPIC: 'list.events.v1',
      POSTLINE_LIST_STREAM_PAGE_SIZE: 500,
      POSTLINE_LIST_MAX_BODY_MB: 20,
    });
  });

  it('refuses a page size out of range, naming the variable', () => {
    expect(() => loadConfig(listConfigSchema, { POSTLINE_LIST_STREAM_PAGE_SIZE: '0' })).toThrow(
      ConfigValidationError,
    );
    expect(() => loadConfig(listConfigSchema, { POSTLINE_LIST_STREAM_PAGE_SIZE: '0' })).toThrow(
      'POSTLINE_LIST_STREAM_PAGE_SIZE must be >= 1',
    );
  });
});
