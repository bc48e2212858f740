// MX host globs of provider policies ("*.google.com", "*.l.google.com"):
// "*" stands for any non-empty run of characters, dots included, so
// "*.google.com" covers "alt1.aspmx.l.google.com" but not "google.com".

const GLOB_SHAPE = /^[a-z0-9*][a-z0-9.*-]*$/;

/** Lower case, no trailing dot: MX answers often carry the root dot. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/** Why a glob is unusable, or undefined if it is fine. */
export function globProblem(glob: string): string | undefined {
  if (!GLOB_SHAPE.test(glob) || glob.includes('..') || glob.endsWith('.')) {
    return 'is not a host name glob (letters, digits, "-", "." and "*")';
  }
  if (glob.replace(/[*.]/g, '') === '') return 'matches every host; put such settings in defaults';
  return undefined;
}

export interface HostGlob {
  glob: string;
  /** Literal characters: the more, the more specific; the most specific matching glob wins. */
  specificity: number;
  test(host: string): boolean;
}

export function compileHostGlob(glob: string): HostGlob {
  const source = glob
    .split('*')
    .map((part) => part.replace(/\./g, '\\.'))
    .join('.+');
  const regex = new RegExp(`^${source}$`);
  return {
    glob,
    specificity: glob.replace(/\*/g, '').length,
    test: (host) => regex.test(host),
  };
}
