// Where the local infrastructure (deploy/local/infra.sh) listens; tests read
// the same variables the services do.
export const infra = {
  kafkaBrokers: process.env.POSTLINE_KAFKA_BROKERS ?? '127.0.0.1:39092',
  mongoUri: process.env.POSTLINE_MONGO_URI ?? 'mongodb://127.0.0.1:37017',
  smtpSink: process.env.POSTLINE_SMTP_SINK ?? '127.0.0.1:31025',
  mailpitUrl: process.env.POSTLINE_MAILPIT_URL ?? 'http://127.0.0.1:38025',
};

/** Polls `probe` until it returns a value, or fails with the last reason after timeoutMs. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ''}`,
  );
}
