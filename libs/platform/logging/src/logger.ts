// Structured JSON logs (pino), one line per event. Every service logs through
// this so that fields are consistent: service, event, and a correlation id.
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  level?: string;
}

// Keys whose values must never reach a log line, wherever they appear.
const REDACT = [
  'password',
  'pass',
  'secret',
  'token',
  'authorization',
  '*.password',
  '*.pass',
  '*.secret',
  '*.token',
  'raw_mime',
  'rawMime',
  'body',
  'html',
];

export function createLogger({ service, level = 'info' }: LoggerOptions): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}
