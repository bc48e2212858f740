// Save-time checks around the compile of an MJML template: the size bound, the
// refusal of mj-include (a template must never make render read a file), MJML's
// validation errors turned into located messages, and the proof that every
// merge tag of the source is still in the compiled HTML. MJML silently drops
// text it does not expect (between sections, in inlined CSS), and a dropped
// `{{#if}}` would send its guarded block to every recipient.
import { RenderError, type SourceLocation } from './render-errors';

/** How errors about the MJML source name it (the request field). */
export const MJML_FIELD = 'mjml';

/** One error of MJML's validator: the line of the element and its tag name. */
export interface MjmlIssue {
  line: number;
  tagName: string;
  message: string;
}

/** Validation issues spelled out in one error message; the rest are counted. */
const MAX_ISSUES_SHOWN = 5;
const MAX_TAG_SHOWN = 60;

export function assertMjmlSize(source: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(source);
  if (bytes > maxBytes) {
    throw new RenderError(
      'TEMPLATE_INVALID',
      `${MJML_FIELD}: the source is ${bytes} bytes, over the limit of ${maxBytes} bytes`,
    );
  }
}

// Anywhere in the source, comments and raw blocks included: refusing is cheaper
// than proving a given occurrence is inert.
const INCLUDE = /<\s*mj-include\b/i;

/** Refuses mj-include: its path would be read from render's own filesystem. */
export function refuseMjmlIncludes(source: string): void {
  const found = INCLUDE.exec(source);
  if (!found) return;
  const location = locate(source, found.index);
  throw new RenderError(
    'TEMPLATE_UNSUPPORTED',
    `${MJML_FIELD}: <mj-include> is not supported (${at(location)}): a template cannot read files; put the included content in the template`,
    location,
  );
}

/** One error listing MJML's validation issues, located at the first of them. */
export function mjmlValidationError(issues: readonly MjmlIssue[], source: string): RenderError {
  const lines = source.split('\n');
  const located = issues.map((issue) => ({
    issue,
    location: issueLocation(issue, lines),
  }));
  const shown = located
    .slice(0, MAX_ISSUES_SHOWN)
    .map(({ issue, location }) => `${at(location)} <${issue.tagName}>: ${issue.message.trim()}`);
  const more = issues.length - shown.length;
  if (more > 0) shown.push(`and ${more} more`);
  return new RenderError(
    'TEMPLATE_MJML_INVALID',
    `${MJML_FIELD}: invalid MJML: ${shown.join('; ')}`,
    located[0]?.location,
  );
}

/** MJML could not parse the document at all (no <mjml> root, nothing but blanks). */
export function mjmlMalformedError(detail: string): RenderError {
  return new RenderError(
    'TEMPLATE_MJML_INVALID',
    `${MJML_FIELD}: not an MJML document: ${detail.trim() || 'parsing failed'}`,
  );
}

/**
 * MJML reports only the line of an element. The column is that of `<tag` on
 * the line when the tag opens there exactly once; otherwise it stays unknown
 * rather than pointing at the wrong element.
 */
function issueLocation(issue: MjmlIssue, lines: readonly string[]): SourceLocation {
  const line = Number.isInteger(issue.line) && issue.line > 0 ? issue.line : 1;
  const text = lines[line - 1] ?? '';
  const opener = new RegExp(`<${escapeRegExp(issue.tagName)}(?=[\\s/>]|$)`, 'gi');
  const columns = [...text.matchAll(opener)].map((m) => m.index + 1);
  return columns.length === 1 ? { line, column: columns[0] } : { line };
}

// Mustache statements, triple-stash first; `{{!` comments are not merge tags.
const MERGE_TAG = /\{\{\{[\s\S]*?\}\}\}|\{\{(?!!)[\s\S]*?\}\}/g;

/**
 * Every merge tag of the source must appear in the compiled HTML at least as
 * often (MJML may copy one, e.g. the title into an aria-label, never remove it).
 */
export function assertMergeTagsKept(source: string, html: string): void {
  const compiled = new Map<string, number>();
  for (const m of html.matchAll(MERGE_TAG)) compiled.set(m[0], (compiled.get(m[0]) ?? 0) + 1);
  for (const m of source.matchAll(MERGE_TAG)) {
    const left = compiled.get(m[0]) ?? 0;
    if (left > 0) {
      compiled.set(m[0], left - 1);
      continue;
    }
    const location = locate(source, m.index);
    throw new RenderError(
      'TEMPLATE_MJML_INVALID',
      `${MJML_FIELD}: the merge tag ${shorten(m[0])} at ${at(location)} is lost when the MJML is compiled: MJML keeps text only inside elements such as mj-text, mj-button, mj-table and mj-raw (put a block helper between sections in <mj-raw>), and drops values it cannot parse in inlined CSS`,
      location,
    );
  }
}

/** 1-based line and column of a string offset; lines end at LF, as MJML counts them. */
export function locate(source: string, offset: number): Required<SourceLocation> {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function at({ line, column }: SourceLocation): string {
  return column === undefined ? `line ${line}` : `line ${line}, column ${column}`;
}

function shorten(tag: string): string {
  const flat = tag.replace(/\s+/g, ' ');
  return flat.length > MAX_TAG_SHOWN ? `${flat.slice(0, MAX_TAG_SHOWN - 3)}...` : flat;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
