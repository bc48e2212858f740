// Why a segment expression is refused: where (a 1-based character position)
// and what was expected there, so an operator can fix it without guessing.
export class SegmentSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`at position ${position}: expected ${expected}, found ${found}`);
    this.name = 'SegmentSyntaxError';
  }
}

/** A well-formed expression that names an unknown field, a wrong value type or an operator a field lacks. */
export class SegmentMeaningError extends Error {
  constructor(
    readonly position: number,
    detail: string,
  ) {
    super(`at position ${position}: ${detail}`);
    this.name = 'SegmentMeaningError';
  }
}
