// Durations as operators write them in policy files ("90s", "10m", "1h",
// "3d") and back, so a policy read from MongoDB or the admin API shows the
// same way it was written.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Milliseconds for "<number><ms|s|m|h|d>", or undefined if the text is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] as Unit]);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** The largest unit that divides the value exactly: 600000 → "10m", 90000 → "90s", 1500 → "1500ms". */
export function formatDuration(ms: number): string {
  const units: Unit[] = ['d', 'h', 'm', 's'];
  for (const unit of units) {
    if (ms !== 0 && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
