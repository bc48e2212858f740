// The render service's error catalogue. Every failure a template or a render
// request can cause has one code here; gRPC, REST, the dead-letter reason and
// the failure metric all speak these codes, so the label set stays bounded.

export const RenderErrorCodes = [
  /** The template does not parse; carries line and column. */
  'TEMPLATE_SYNTAX',
  /** The template calls a helper that is not on the allow-list. */
  'TEMPLATE_UNKNOWN_HELPER',
  /** An allowed helper is called with the wrong number of arguments. */
  'TEMPLATE_HELPER_USAGE',
  /** Partials and decorators: no template can reach them, so they are refused. */
  'TEMPLATE_UNSUPPORTED',
  /** A required part (subject, html or text) is missing or a part is too big to store. */
  'TEMPLATE_INVALID',
  /** The MJML source does not validate or compile; carries the line (and column when known). */
  'TEMPLATE_MJML_INVALID',
  /** Too many MJML compiles are already running or waiting; the save may be retried. */
  'TEMPLATE_COMPILE_BUSY',
  /** The pinned template version does not exist (for this tenant). */
  'TEMPLATE_NOT_FOUND',
  /** The request lacks a field rendering needs (request id, template ref, recipient). */
  'REQUEST_INVALID',
  /** A merged header value (subject, names) contains CR, LF or NUL. */
  'HEADER_INJECTION',
  'RECIPIENT_ADDRESS_INVALID',
  'SENDER_ADDRESS_INVALID',
  /** Merge data with NUL, invalid Unicode or UTF-8, an oversized value, or too big or deep overall. */
  'MERGE_DATA_INVALID',
  /** A rendered part exceeds the per-part size bound (checked while rendering, too). */
  'RENDER_OUTPUT_TOO_LARGE',
  /** A part ran more block iterations and lookups than allowed (e.g. nested loops over big lists). */
  'RENDER_LIMIT_EXCEEDED',
  /** The template failed while running on this data. */
  'RENDER_FAILED',
] as const;

export type RenderErrorCode = (typeof RenderErrorCodes)[number];

export interface SourceLocation {
  /** 1-based line in the template part. */
  line: number;
  /** 1-based column in the template part; absent when only the line is known (MJML validation). */
  column?: number;
}

/** A render failure with a stable code; `location` is set for template errors. */
export class RenderError extends Error {
  constructor(
    readonly code: RenderErrorCode,
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

/** True for failures that depend only on the template and request, never on infrastructure. */
export function isRenderError(e: unknown): e is RenderError {
  return e instanceof RenderError;
}
