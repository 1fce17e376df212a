/**
 * A tiny schema language for message content. Schemas are plain data (plus an optional
 * cross-field `refine`), so the registry, the validator and generated docs share one source.
 * The checker lives in `content.check.ts`; the per-type shapes in `content.shapes.ts`.
 */

/** Anything JSON; absent or null becomes ''. */
export interface AnySchema {
  readonly kind: 'any';
}

export interface StringSchema {
  readonly kind: 'string';
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Accept a finite number and normalise it to its decimal string (default false). */
  readonly fromNumber?: boolean;
}

/** A finite number. Numeric strings are accepted and normalised to numbers. */
export interface NumberSchema {
  readonly kind: 'number';
  readonly min?: number;
  readonly max?: number;
  /** Require a safe integer; then a string must be plain digits (no '1.0', no '1e3'). */
  readonly integer?: boolean;
}

export interface BooleanSchema {
  readonly kind: 'boolean';
}

/** An http(s) URL as `url.format.ts` defines it; '' too when `allowEmpty`. */
export interface UrlSchema {
  readonly kind: 'url';
  readonly allowEmpty?: boolean;
}

/** An id in the wire format of `id.format.ts`; numbers are normalised to strings. */
export interface IdSchema {
  readonly kind: 'id';
}

export interface ArraySchema {
  readonly kind: 'array';
  readonly items: ContentSchema;
  readonly maxItems?: number;
}

export interface FieldSchema {
  readonly schema: ContentSchema;
  /** An optional field that is absent or null takes `default` (or stays absent without one). */
  readonly optional?: boolean;
  readonly default?: unknown;
}

/**
 * An object with known fields. Unknown extra fields are kept as they are (forward
 * compatibility). `aliases` maps a misspelt wire name to the canonical field name.
 */
export interface ObjectSchema {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, FieldSchema>>;
  readonly aliases?: Readonly<Record<string, string>>;
  /** Old clients send the object as a string holding its JSON: parse it (default false). */
  readonly acceptJsonString?: boolean;
  /** A cross-field rule run on the normalised object: a reason when it fails. */
  readonly refine?: (value: Readonly<Record<string, unknown>>) => string | undefined;
}

/** The first option that accepts the value wins; order matters. */
export interface OneOfSchema {
  readonly kind: 'oneOf';
  readonly options: readonly ContentSchema[];
}

export type ContentSchema =
  | AnySchema
  | StringSchema
  | NumberSchema
  | BooleanSchema
  | UrlSchema
  | IdSchema
  | ArraySchema
  | ObjectSchema
  | OneOfSchema;

/**
 * The outcome of a content check: the NORMALISED value, or why it was refused (`badUrl` when a
 * URL field was the reason, so the sender is told `IM_ERR_BAD_URL`).
 */
export type ContentResult = { ok: true; value: unknown } | { ok: false; reason: string; badUrl?: true };

type Options<T> = Omit<T, 'kind'>;

/** Constructors for schemas, so shapes read like declarations. */
export const schema = {
  any: (): AnySchema => ({ kind: 'any' }),
  string: (options: Options<StringSchema> = {}): StringSchema => ({ kind: 'string', ...options }),
  number: (options: Options<NumberSchema> = {}): NumberSchema => ({ kind: 'number', ...options }),
  boolean: (): BooleanSchema => ({ kind: 'boolean' }),
  url: (options: Options<UrlSchema> = {}): UrlSchema => ({ kind: 'url', ...options }),
  id: (): IdSchema => ({ kind: 'id' }),
  array: (items: ContentSchema, maxItems?: number): ArraySchema =>
    maxItems === undefined ? { kind: 'array', items } : { kind: 'array', items, maxItems },
  object: (
    fields: Record<string, FieldSchema | ContentSchema>,
    options: Omit<Options<ObjectSchema>, 'fields'> = {},
  ): ObjectSchema => ({ kind: 'object', fields: toFields(fields), ...options }),
  oneOf: (...options: ContentSchema[]): OneOfSchema => ({ kind: 'oneOf', options }),
  /** An optional field, with the value it takes when absent. */
  optional: (field: ContentSchema, defaultValue?: unknown): FieldSchema =>
    defaultValue === undefined
      ? { schema: field, optional: true }
      : { schema: field, optional: true, default: defaultValue },
} as const;

function toFields(fields: Record<string, FieldSchema | ContentSchema>): Record<string, FieldSchema> {
  const out: Record<string, FieldSchema> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = 'kind' in value ? { schema: value } : value;
  }
  return out;
}
