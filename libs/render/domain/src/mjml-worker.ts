// Runs one MJML compile off the main thread, at template save time. MJML is
// synchronous CPU work that grows faster than its input (CSS inlining above
// all), so each compile gets a short-lived worker thread: the event loop that
// feeds the mail.render consumer stays free, and a compile that runs too long
// or needs too much memory is stopped by ending its thread.
import type { MJMLParsingOptions } from 'mjml-core';
import { Worker } from 'node:worker_threads';
import type { MjmlIssue } from './mjml-source';

export type MjmlOutcome =
  | { kind: 'compiled'; html: string }
  /** MJML's strict validation refused the document. */
  | { kind: 'invalid'; issues: MjmlIssue[] }
  /** MJML could not make a document of the source at all. */
  | { kind: 'malformed'; message: string }
  | { kind: 'timeout' }
  | { kind: 'out-of-memory' };

/** Heap of one compile's thread; the largest sources measured needed about half of it. */
export const MJML_WORKER_HEAP_MB = 256;

/**
 * Strict: any validation error refuses the save. No minify or beautify, so the
 * HTML around merge tags is MJML's own output, never reflowed. Includes are
 * ignored by the parser as a second guard behind refuseMjmlIncludes, and no
 * option points MJML at a config file, a skeleton file or an include path.
 */
export const MJML_OPTIONS: MJMLParsingOptions = {
  validationLevel: 'strict',
  minify: false,
  beautify: false,
  keepComments: true,
  ignoreIncludes: true,
};

// Plain JavaScript evaluated in the worker, so it runs the same from dist/ and
// under the test transformer. It reports, it never throws: every failure of
// mjml2html is about the source.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const mjml2html = require(workerData.mjmlPath);
Promise.resolve()
  .then(() => mjml2html(workerData.source, workerData.options))
  .then(
    (result) => parentPort.postMessage({ kind: 'compiled', html: result.html }),
    (e) => {
      const errors = e && Array.isArray(e.errors) ? e.errors : undefined;
      parentPort.postMessage(
        errors
          ? {
              kind: 'invalid',
              issues: errors.map((x) => ({
                line: Number(x.line),
                tagName: String(x.tagName),
                message: String(x.message),
              })),
            }
          : { kind: 'malformed', message: String((e && e.message) || e) },
      );
    },
  );
`;

/** Compiles `source` in a new worker thread, stopped after `timeoutMs`. */
export function runMjmlWorker(source: string, timeoutMs: number): Promise<MjmlOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { mjmlPath: require.resolve('mjml'), source, options: MJML_OPTIONS },
      resourceLimits: { maxOldGenerationSizeMb: MJML_WORKER_HEAP_MB },
      // MJML may warn on the console; the service's stdout carries JSON log lines only.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(() => resolve({ kind: 'timeout' })), timeoutMs);
    worker.once('message', (outcome: MjmlOutcome) => settle(() => resolve(outcome)));
    worker.once('error', (e: Error & { code?: string }) =>
      settle(() =>
        e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? resolve({ kind: 'out-of-memory' }) : reject(e),
      ),
    );
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`MJML worker exited with code ${code} before answering`))),
    );
  });
}
