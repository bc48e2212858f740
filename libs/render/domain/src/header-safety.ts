// Header-injection guard. Anything that becomes a header value (the rendered
// subject, display names, addresses) is refused when it holds CR, LF or NUL:
// folding or stripping would hide an attack, refusing makes it visible.
import { RenderError } from './render-errors';

const FORBIDDEN = /[\r\n\0]/;

export function hasHeaderBreak(value: string): boolean {
  return FORBIDDEN.test(value);
}

/** Throws HEADER_INJECTION naming the field (never the value: it may be hostile or personal). */
export function assertHeaderSafe(field: string, value: string | undefined): void {
  if (value && FORBIDDEN.test(value)) {
    throw new RenderError('HEADER_INJECTION', `${field} contains CR, LF or NUL`);
  }
}
