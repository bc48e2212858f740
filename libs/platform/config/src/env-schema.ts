// Typed, validated settings from the environment. Every service declares its
// settings once (name, type, default, doc); boot fails fast with a message that
// names each bad variable, instead of failing later on first use.
import { readFileSync } from 'node:fs';

export type EnvKind = 'string' | 'int' | 'bool' | 'url' | 'hostPortList' | 'enum';

interface BaseSpec {
  doc: string;
  /** Absent means required. */
  default?: string;
}
export interface StringSpec extends BaseSpec {
  kind: 'string';
}
export interface IntSpec extends BaseSpec {
  kind: 'int';
  min?: number;
  max?: number;
}
export interface BoolSpec extends BaseSpec {
  kind: 'bool';
}
export interface UrlSpec extends BaseSpec {
  kind: 'url';
  protocols: readonly string[];
}
export interface HostPortListSpec extends BaseSpec {
  kind: 'hostPortList';
}
export interface EnumSpec<T extends string = string> extends BaseSpec {
  kind: 'enum';
  values: readonly T[];
}
export type EnvSpec = StringSpec | IntSpec | BoolSpec | UrlSpec | HostPortListSpec | EnumSpec;

type ValueOf<S extends EnvSpec> = S extends IntSpec
  ? number
  : S extends BoolSpec
    ? boolean
    : S extends HostPortListSpec
      ? string[]
      : S extends EnumSpec<infer T>
        ? T
        : string;

export type EnvSchema = Record<string, EnvSpec>;
export type ConfigOf<S extends EnvSchema> = { readonly [K in keyof S]: ValueOf<S[K]> };

export class ConfigValidationError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

const HOST_PORT = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;

function parseOne(name: string, spec: EnvSpec, raw: string): { value?: unknown; problem?: string } {
  switch (spec.kind) {
    case 'string':
      return { value: raw };
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim()))
        return { problem: `${name} must be an integer, got "${raw}"` };
      const n = Number(raw);
      if (spec.min !== undefined && n < spec.min)
        return { problem: `${name} must be >= ${spec.min}, got ${n}` };
      if (spec.max !== undefined && n > spec.max)
        return { problem: `${name} must be <= ${spec.max}, got ${n}` };
      return { value: n };
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return { value: true };
      if (['0', 'false', 'no', 'off'].includes(v)) return { value: false };
      return { problem: `${name} must be true or false, got "${raw}"` };
    }
    case 'url': {
      try {
        const u = new URL(raw);
        if (!spec.protocols.includes(u.protocol.replace(/:$/, ''))) {
          return {
            problem: `${name} must be a ${spec.protocols.join('/')} URL, got "${u.protocol}"`,
          };
        }
        return { value: raw };
      } catch {
        return { problem: `${name} must be a URL, got "${raw}"` };
      }
    }
    case 'hostPortList': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = items.filter((i) => !HOST_PORT.test(i));
      if (items.length === 0 || bad.length > 0) {
        return { problem: `${name} must be a comma-separated list of host:port, got "${raw}"` };
      }
      return { value: items };
    }
    case 'enum':
      if (!spec.values.includes(raw))
        return { problem: `${name} must be one of ${spec.values.join(', ')}, got "${raw}"` };
      return { value: raw };
  }
}

/**
 * The raw text of a variable: `NAME` itself, or the contents of the file named
 * by `NAME_FILE` — how Kubernetes hands a service a Secret without putting it in
 * the environment. Setting both is refused as ambiguous.
 */
function rawValue(name: string, env: NodeJS.ProcessEnv): { raw?: string; problem?: string } {
  const direct = env[name] !== undefined && env[name] !== '' ? env[name] : undefined;
  const file = env[`${name}_FILE`];
  if (!file) return { raw: direct };
  if (direct !== undefined) return { problem: `${name} and ${name}_FILE are both set; set one` };
  try {
    return { raw: readFileSync(file, 'utf8').replace(/\r?\n$/, '') };
  } catch (e) {
    return { problem: `${name}_FILE: cannot read ${file}: ${(e as Error).message}` };
  }
}

/** Reads and validates every variable of the schema; throws one error listing all problems. */
export function loadConfig<S extends EnvSchema>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    const { raw: given, problem: fileProblem } = rawValue(name, env);
    if (fileProblem) {
      problems.push(fileProblem);
      continue;
    }
    const raw = given ?? spec.default;
    if (raw === undefined) {
      problems.push(`${name} is required (${spec.doc})`);
      continue;
    }
    const { value, problem } = parseOne(name, spec, raw);
    if (problem) problems.push(problem);
    else out[name] = value;
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return Object.freeze(out) as ConfigOf<S>;
}

/** Markdown table of a schema, for the README's configuration reference. */
export function describeSchema(schema: EnvSchema): string {
  const rows = Object.entries(schema).map(
    ([name, s]) =>
      `| \`${name}\` | ${s.kind} | ${s.default === undefined ? '(required)' : `\`${s.default}\``} | ${s.doc} |`,
  );
  return ['| variable | type | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
