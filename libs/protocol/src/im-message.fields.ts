import { imError } from './error-codes';
import type { ImError } from './error-codes';
import { normaliseId } from './id.format';
import { urlProblem } from './url.format';

/** Readers for the top-level fields of an ImMessage. Each returns a value or an ImError. */
export type FieldResult<T> = { ok: true; value: T } | { ok: false; error: ImError };

type Raw = Readonly<Record<string, unknown>>;

const INTEGER_TEXT = /^-?\d{1,16}$/;
const DECIMAL_TEXT = /^-?\d{1,16}(\.\d{1,16})?$/;
const MAX_GEO_ID = 256;

export function readRequiredId(raw: Raw, name: string): FieldResult<string> {
  const value = raw[name];
  if (value === undefined || value === null) return invalid(`${name} is required`);
  const id = normaliseId(value);
  return id === undefined
    ? invalid(`${name} must be an id: 1-128 of A-Z a-z 0-9 _ . @ -, or a non-negative integer`)
    : ok(id);
}

export function readOptionalId(raw: Raw, name: string): FieldResult<string | undefined> {
  return raw[name] === undefined || raw[name] === null ? ok(undefined) : readRequiredId(raw, name);
}

/** A required string of at most `maxLength` characters; empty is allowed. */
export function readText(raw: Raw, name: string, maxLength: number): FieldResult<string> {
  const value = raw[name];
  if (value === undefined || value === null) return invalid(`${name} is required`);
  if (typeof value !== 'string') return invalid(`${name} must be a string`);
  return value.length > maxLength ? invalid(`${name} is longer than ${maxLength} characters`) : ok(value);
}

/** A required string that is '' or an http(s) URL (url.format.ts); anything else is `IM_ERR_BAD_URL`. */
export function readUrlOrEmpty(raw: Raw, name: string): FieldResult<string> {
  const value = raw[name];
  if (value === undefined || value === null) return invalid(`${name} is required`);
  if (typeof value !== 'string') return invalid(`${name} must be a string`);
  const problem = value === '' ? undefined : urlProblem(value);
  return problem === undefined ? ok(value) : { ok: false, error: imError('IM_ERR_BAD_URL', `${name} ${problem}`) };
}

/** An integer, or a string of digits; undefined when it is neither. */
export function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return Number(value);
  return undefined;
}

/** An optional finite number (numeric strings accepted); absent or null stays absent. */
export function readOptionalNumber(raw: Raw, name: string): FieldResult<number | undefined> {
  const value = raw[name];
  if (value === undefined || value === null) return ok(undefined);
  if (typeof value === 'number' && Number.isFinite(value)) return ok(value);
  if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return ok(Number(value));
  return invalid(`${name} must be a finite number`);
}

/** `geoId`, or the original's spelling `geold`: a string (numbers accepted) of at most 256 characters. */
export function readGeoId(raw: Raw): FieldResult<string | undefined> {
  const value = raw['geoId'] ?? raw['geold'];
  if (value === undefined || value === null) return ok(undefined);
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return invalid('geoId must be a string');
  return text.length > MAX_GEO_ID ? invalid(`geoId is longer than ${MAX_GEO_ID} characters`) : ok(text);
}

function ok<T>(value: T): FieldResult<T> {
  return { ok: true, value };
}

function invalid(reason: string): { ok: false; error: ImError } {
  return { ok: false, error: imError('IM_ERR_INVALID_FIELD', reason) };
}
