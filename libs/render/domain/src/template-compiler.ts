// Turns a stored template (subject, HTML, text) into a function from merge data
// to rendered parts. One isolated Handlebars environment: only our helpers, HTML
// escaped by default, subject and text unescaped, and every output bounded.
import Handlebars from 'handlebars';
import { assertHeaderSafe } from './header-safety';
import { htmlToText } from './html-to-text';
import { checkMergeData } from './merge-data';
import {
  chargeBlockHelpers,
  chargedData,
  DEFAULT_MAX_RENDER_STEPS,
  READ_ALLOWANCE,
  RenderBudget,
  withBudget,
} from './render-budget';
import { RenderError, isRenderError } from './render-errors';
import { blockDepth, checkHelpers, parseTemplate } from './template-syntax';

export interface TemplateSource {
  subject: string;
  html: string;
  /** Empty: the plain-text part is derived from the rendered HTML. */
  text: string;
}

export interface RenderedContent {
  subject: string;
  html: string;
  text: string;
}

export type MergeData = Record<string, unknown>;

export interface CompiledTemplate {
  render(data: MergeData): RenderedContent;
}

/** Largest template part accepted for storage. */
export const MAX_TEMPLATE_PART_BYTES = 1 << 20;
/** Default bound on each rendered part, so one record cannot exhaust memory downstream. */
export const DEFAULT_MAX_OUTPUT_PART_BYTES = 2 << 20;

const hbsEnv = createEnvironment();

function createEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  // `log` writes to the console; nothing a template author needs.
  env.unregisterHelper('log');
  env.registerHelper('default', (value: unknown, fallback: unknown) =>
    value === undefined || value === null || value === '' ? fallback : value,
  );
  chargeBlockHelpers(env);
  return env;
}

type Part = keyof TemplateSource;

/** Save-time check: every non-empty part parses, uses allowed helpers only, and compiles. */
export function checkTemplate(source: TemplateSource): void {
  if (!source.subject.trim()) throw new RenderError('TEMPLATE_INVALID', 'subject is required');
  if (!source.html.trim() && !source.text.trim()) {
    throw new RenderError('TEMPLATE_INVALID', 'an html or a text body is required');
  }
  for (const part of ['subject', 'html', 'text'] as const) {
    if (Buffer.byteLength(source[part]) > MAX_TEMPLATE_PART_BYTES) {
      throw new RenderError(
        'TEMPLATE_INVALID',
        `${part} is larger than ${MAX_TEMPLATE_PART_BYTES} bytes`,
      );
    }
    if (source[part]) checkPart(part, source[part]);
  }
}

function checkPart(part: Part, source: string): void {
  checkMergeTags(part, source, part === 'html');
}

/**
 * Checks that `source` parses as a template, calls allowed helpers only and
 * compiles; errors are located in `source` and named `label` (a part, or
 * `mjml` for an MJML source checked before it is compiled to HTML).
 */
export function checkMergeTags(label: string, source: string, escapesHtml: boolean): void {
  const program = parseTemplate(hbsEnv, label, source);
  checkHelpers(label, program);
  try {
    // Handlebars compiles lazily; precompiling surfaces compiler errors now.
    hbsEnv.precompile(source, { strict: false, noEscape: !escapesHtml });
  } catch (e) {
    const err = e as { message?: string; lineNumber?: number; column?: number };
    const location = { line: err.lineNumber ?? 1, column: (err.column ?? 0) + 1 };
    throw new RenderError(
      'TEMPLATE_SYNTAX',
      `${label}: syntax error at line ${location.line}, column ${location.column}: ${err.message}`,
      location,
    );
  }
}

function compileOptions(part: Part): CompileOptions {
  return { strict: false, noEscape: part !== 'html' };
}

/** A compiled part and what its run may spend. */
interface CompiledPart {
  part: Part;
  template: Handlebars.TemplateDelegate;
  maxPartBytes: number;
  /** Block nesting depth: output inside k blocks is counted once per block. */
  depth: number;
}

function compilePart(part: Part, source: string, maxPartBytes: number): CompiledPart {
  return {
    part,
    template: hbsEnv.compile(source, compileOptions(part)),
    maxPartBytes,
    depth: blockDepth(hbsEnv.parse(source)),
  };
}

/** Checks and compiles a template; the result is immutable and safe to cache. */
export function compileTemplate(
  source: TemplateSource,
  maxPartBytes = DEFAULT_MAX_OUTPUT_PART_BYTES,
): CompiledTemplate {
  checkTemplate(source);
  const subject = compilePart('subject', source.subject, maxPartBytes);
  const html = source.html ? compilePart('html', source.html, maxPartBytes) : undefined;
  const text = source.text ? compilePart('text', source.text, maxPartBytes) : undefined;
  return {
    render(data) {
      checkMergeData(data);
      const out: RenderedContent = {
        subject: run(subject, data),
        html: html ? run(html, data) : '',
        text: text ? run(text, data) : '',
      };
      // The subject becomes a header: a CR or LF from merge data must not start a new one.
      assertHeaderSafe('subject', out.subject);
      if (!text) out.text = htmlToText(out.html);
      return out;
    },
  };
}

/** Runs one part within its budget; every failure is a RenderError (permanent for this data). */
function run({ part, template, maxPartBytes, depth }: CompiledPart, data: MergeData): string {
  const budget = new RenderBudget({
    part,
    maxSteps: DEFAULT_MAX_RENDER_STEPS,
    maxEmitted: maxPartBytes * Math.max(1, depth),
    maxRead: maxPartBytes * READ_ALLOWANCE,
  });
  let out: string;
  try {
    out = withBudget(budget, () => template(chargedData(data, budget)));
  } catch (e) {
    if (isRenderError(e)) throw e;
    // V8 refuses strings over ~512 MiB; the budget should stop runs long before.
    if (e instanceof RangeError) {
      throw new RenderError('RENDER_OUTPUT_TOO_LARGE', `${part}: rendered output is too large`);
    }
    throw new RenderError('RENDER_FAILED', `${part}: ${(e as Error).message}`);
  }
  // Characters bound bytes from below: only a long enough string needs counting.
  if (out.length * 3 > maxPartBytes && Buffer.byteLength(out) > maxPartBytes) {
    throw new RenderError(
      'RENDER_OUTPUT_TOO_LARGE',
      `${part}: rendered output exceeds ${maxPartBytes} bytes`,
    );
  }
  return out;
}
