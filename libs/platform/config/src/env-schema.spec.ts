import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, loadConfig } from './env-schema';

const schema = {
  PORT: { kind: 'int', min: 1, max: 65535, doc: 'port' },
  BROKERS: { kind: 'hostPortList', default: '127.0.0.1:9092', doc: 'brokers' },
  DEBUG: { kind: 'bool', default: 'false', doc: 'debug' },
  MONGO: {
    kind: 'url',
    protocols: ['mongodb'],
    default: 'mongodb://localhost:27017',
    doc: 'mongo',
  },
  MODE: { kind: 'enum', values: ['a', 'b'] as const, default: 'a', doc: 'mode' },
} as const;

describe('loadConfig', () => {
  it('applies defaults and parses typed values', () => {
    const cfg = loadConfig(schema, { PORT: '8080', DEBUG: 'yes', BROKERS: 'a:1, b:2' });
    expect(cfg).toEqual({
      PORT: 8080,
      BROKERS: ['a:1', 'b:2'],
      DEBUG: true,
      MONGO: 'mongodb://localhost:27017',
      MODE: 'a',
    });
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, {
        PORT: 'eighty',
        BROKERS: 'nohostport',
        MONGO: 'http://x',
        MODE: 'c',
        DEBUG: 'maybe',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    for (const name of [
      'PORT must be an integer',
      'BROKERS must be',
      'MONGO must be a mongodb URL',
      'MODE must be one of a, b',
      'DEBUG must be true or false',
    ]) {
      expect(message).toContain(name);
    }
  });

  it('reports a missing required variable with its description', () => {
    expect(() => loadConfig(schema, {})).toThrow('PORT is required (port)');
  });

  it('rejects an integer out of range', () => {
    expect(() => loadConfig(schema, { PORT: '70000' })).toThrow('PORT must be <= 65535');
  });

  it('reads NAME_FILE when NAME is not set, without the trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'port'), '8443\n');
    expect(loadConfig(schema, { PORT_FILE: join(dir, 'port') }).PORT).toBe(8443);
  });

  it('refuses NAME and NAME_FILE together, and an unreadable NAME_FILE', () => {
    expect(() => loadConfig(schema, { PORT: '1', PORT_FILE: '/nonexistent' })).toThrow(
      'PORT and PORT_FILE are both set',
    );
    expect(() => loadConfig(schema, { PORT_FILE: '/nonexistent/port' })).toThrow(
      'PORT_FILE: cannot read /nonexistent/port',
    );
  });
});
