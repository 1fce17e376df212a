/**
 * Environment configuration: each process declares one schema, `loadConfig` checks every
 * variable at start and throws one error naming every bad one, and the result is frozen.
 */
export type VarSpec =
  | {
      readonly kind: 'string';
      readonly default?: string;
      readonly required?: boolean;
      readonly doc: string;
      readonly secret?: boolean;
    }
  | {
      readonly kind: 'int';
      readonly default?: number;
      readonly min?: number;
      readonly max?: number;
      readonly doc: string;
    }
  | { readonly kind: 'bool'; readonly default?: boolean; readonly doc: string }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly default?: string; readonly doc: string }
  | { readonly kind: 'list'; readonly default?: readonly string[]; readonly doc: string };

export type ConfigSchema = Readonly<Record<string, VarSpec>>;

type ValueOf<S extends VarSpec> = S extends { kind: 'int'; default: number }
  ? number
  : S extends { kind: 'int' }
    ? number | undefined
    : S extends { kind: 'bool' }
      ? boolean
      : S extends { kind: 'list' }
        ? readonly string[]
        : S extends { kind: 'string'; default: string }
          ? string
          : S extends { kind: 'string'; required: true }
            ? string
            : S extends { kind: 'string' }
              ? string | undefined
              : string;

export type ConfigOf<S extends ConfigSchema> = { readonly [K in keyof S]: ValueOf<S[K]> };

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

type Parsed = { ok: true; value: unknown } | { ok: false; problem: string };

function parseInt10(name: string, raw: string, spec: Extract<VarSpec, { kind: 'int' }>): Parsed {
  if (!/^-?\d+$/.test(raw.trim())) return { ok: false, problem: `${name}=${raw}: not an integer` };
  const n = Number(raw);
  if (spec.min !== undefined && n < spec.min) return { ok: false, problem: `${name}=${raw}: must be >= ${spec.min}` };
  if (spec.max !== undefined && n > spec.max) return { ok: false, problem: `${name}=${raw}: must be <= ${spec.max}` };
  return { ok: true, value: n };
}

function parseVar(name: string, raw: string | undefined, spec: VarSpec): Parsed {
  if (raw === undefined || raw === '') {
    if (spec.kind === 'string' && spec.required && spec.default === undefined) {
      return { ok: false, problem: `${name}: required (${spec.doc})` };
    }
    // An unset list is empty (its type promises an array), not undefined.
    return { ok: true, value: spec.kind === 'list' ? (spec.default ?? Object.freeze([])) : spec.default };
  }
  switch (spec.kind) {
    case 'string':
      return { ok: true, value: raw };
    case 'int':
      return parseInt10(name, raw, spec);
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(raw)) return { ok: true, value: true };
      if (/^(0|false|no|off)$/i.test(raw)) return { ok: true, value: false };
      return { ok: false, problem: `${name}=${raw}: expected true or false` };
    case 'enum':
      return spec.values.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, problem: `${name}=${raw}: expected one of ${spec.values.join(', ')}` };
    case 'list':
      return {
        ok: true,
        value: Object.freeze(
          raw
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
        ),
      };
  }
}

/** Reads and checks every variable of `schema` from `env`; throws one ConfigError naming all bad ones. */
export function loadConfig<S extends ConfigSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    const parsed = parseVar(name, env[name], spec);
    if (parsed.ok) out[name] = parsed.value;
    else problems.push(parsed.problem);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<S>;
}

/** A markdown table of a schema, for the README (kept in step by a test). */
export function describeConfig(schema: ConfigSchema): string {
  const rows = Object.entries(schema).map(([name, spec]) => {
    const def = 'default' in spec && spec.default !== undefined ? `\`${String(spec.default)}\`` : '—';
    const kind = spec.kind === 'enum' ? spec.values.join(' \\| ') : spec.kind;
    return `| \`${name}\` | ${kind} | ${def} | ${spec.doc} |`;
  });
  return ['| variable | type | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
