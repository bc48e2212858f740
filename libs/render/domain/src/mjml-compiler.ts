// Turns the MJML source of a template into the HTML that is stored and
// rendered, when the template is saved (never per message: the hot path only
// ever sees HTML). Cheap checks run first, in order of cost: size, includes,
// merge-tag syntax located in the MJML source; then MJML compiles in a worker
// thread under a time bound; last, every merge tag must have survived.
import { CompileGate } from './compile-gate';
import {
  assertMergeTagsKept,
  assertMjmlSize,
  MJML_FIELD,
  mjmlMalformedError,
  mjmlValidationError,
  refuseMjmlIncludes,
} from './mjml-source';
import { MJML_WORKER_HEAP_MB, runMjmlWorker, type MjmlOutcome } from './mjml-worker';
import { RenderError } from './render-errors';
import { checkMergeTags, MAX_TEMPLATE_PART_BYTES } from './template-compiler';

export interface MjmlLimits {
  /** Largest MJML source accepted, in bytes (POSTLINE_RENDER_MJML_MAX_BYTES). */
  maxSourceBytes: number;
  /** Longest one compile may run, in milliseconds (POSTLINE_RENDER_MJML_TIMEOUT_MS). */
  timeoutMs: number;
}

export const DEFAULT_MJML_LIMITS: Readonly<MjmlLimits> = {
  maxSourceBytes: 512 * 1024,
  timeoutMs: 5000,
};

/** One compile at a time per process: each takes a core while it runs. */
const MAX_RUNNING = 1;
const MAX_WAITING = 8;

export class MjmlCompiler {
  private readonly gate = new CompileGate(MAX_RUNNING, MAX_WAITING);

  constructor(
    private readonly limits: MjmlLimits = DEFAULT_MJML_LIMITS,
    private readonly run: (
      source: string,
      timeoutMs: number,
    ) => Promise<MjmlOutcome> = runMjmlWorker,
  ) {}

  /** The HTML to store for `source`; a RenderError naming the `mjml` field otherwise. */
  async compile(source: string): Promise<string> {
    assertMjmlSize(source, this.limits.maxSourceBytes);
    refuseMjmlIncludes(source);
    // Merge-tag mistakes are reported at their place in the MJML, not in the
    // generated HTML the author never wrote.
    checkMergeTags(MJML_FIELD, source, true);
    const outcome = await this.gate.run(() => this.run(source, this.limits.timeoutMs));
    const html = this.htmlOf(outcome, source);
    const bytes = Buffer.byteLength(html);
    if (bytes > MAX_TEMPLATE_PART_BYTES) {
      throw new RenderError(
        'TEMPLATE_INVALID',
        `${MJML_FIELD}: compiles to ${bytes} bytes of HTML, over the limit of ${MAX_TEMPLATE_PART_BYTES} bytes of a template part`,
      );
    }
    assertMergeTagsKept(source, html);
    return html;
  }

  private htmlOf(outcome: MjmlOutcome, source: string): string {
    switch (outcome.kind) {
      case 'compiled':
        return outcome.html;
      case 'invalid':
        return fail(mjmlValidationError(outcome.issues, source));
      case 'malformed':
        return fail(mjmlMalformedError(outcome.message));
      case 'timeout':
        return fail(
          new RenderError(
            'TEMPLATE_INVALID',
            `${MJML_FIELD}: compiling took longer than ${this.limits.timeoutMs} ms; simplify the template (inlined CSS over many elements is the usual cost)`,
          ),
        );
      case 'out-of-memory':
        return fail(
          new RenderError(
            'TEMPLATE_INVALID',
            `${MJML_FIELD}: compiling needed more than ${MJML_WORKER_HEAP_MB} MB of memory; simplify the template`,
          ),
        );
    }
  }
}

function fail(e: RenderError): never {
  throw e;
}
