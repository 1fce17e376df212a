import type {
  ArraySchema,
  ContentResult,
  ContentSchema,
  NumberSchema,
  ObjectSchema,
  OneOfSchema,
  StringSchema,
  UrlSchema,
} from './content.schema';
import { guardContent } from './content.guard';
import { normaliseId } from './id.format';
import { urlProblem } from './url.format';
import { cloneJson, hasOwn, isPlainObject } from './internal/plain-object';

const INTEGER_TEXT = /^-?\d{1,16}$/;
const DECIMAL_TEXT = /^-?\d{1,16}(\.\d{1,16})?$/;

/**
 * Checks `value` against `contentSchema` and returns the normalised copy. Never throws and
 * never mutates `value`: the guard (JSON-like, depth, forbidden keys) runs first, then the shape.
 */
export function checkContent(contentSchema: ContentSchema, value: unknown): ContentResult {
  try {
    const reason = value === undefined ? undefined : guardContent(value);
    if (reason !== undefined) return fail(reason);
    return check(contentSchema, value, 'content');
  } catch {
    return fail('content could not be read');
  }
}

function check(node: ContentSchema, value: unknown, path: string): ContentResult {
  switch (node.kind) {
    case 'any':
      return ok(value === undefined || value === null ? '' : cloneJson(value));
    case 'string':
      return checkString(node, value, path);
    case 'number':
      return checkNumber(node, value, path);
    case 'boolean':
      return typeof value === 'boolean' ? ok(value) : fail(`${path}: expected a boolean`);
    case 'url':
      return checkUrl(node, value, path);
    case 'id': {
      const id = normaliseId(value);
      return id === undefined
        ? fail(`${path}: expected an id (1-128 of A-Z a-z 0-9 _ . @ -, or a non-negative integer)`)
        : ok(id);
    }
    case 'array':
      return checkArray(node, value, path);
    case 'object':
      return checkObject(node, value, path);
    case 'oneOf':
      return checkOneOf(node, value, path);
  }
}

function checkString(node: StringSchema, value: unknown, path: string): ContentResult {
  const text = node.fromNumber === true && typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return fail(`${path}: expected a string`);
  if (node.minLength !== undefined && text.length < node.minLength) {
    return fail(node.minLength === 1 ? `${path}: must not be empty` : `${path}: shorter than ${node.minLength}`);
  }
  if (node.maxLength !== undefined && text.length > node.maxLength)
    return fail(`${path}: longer than ${node.maxLength}`);
  return ok(text);
}

function checkUrl(node: UrlSchema, value: unknown, path: string): ContentResult {
  if (typeof value !== 'string') return fail(`${path}: expected a URL string`);
  if (value === '' && node.allowEmpty === true) return ok(value);
  const problem = urlProblem(value);
  return problem === undefined ? ok(value) : { ok: false, reason: `${path}: ${problem}`, badUrl: true };
}

function checkNumber(node: NumberSchema, value: unknown, path: string): ContentResult {
  const integer = node.integer === true;
  const num = toNumber(value, integer);
  if (num === undefined) return fail(`${path}: expected ${integer ? 'an integer' : 'a number'}`);
  if (integer && !Number.isInteger(num)) return fail(`${path}: expected an integer`);
  if (integer && !Number.isSafeInteger(num)) return fail(`${path}: expected a safe integer`);
  if (node.min !== undefined && num < node.min) return fail(`${path}: must be at least ${node.min}`);
  if (node.max !== undefined && num > node.max) return fail(`${path}: must be at most ${node.max}`);
  return ok(num);
}

function toNumber(value: unknown, integer: boolean): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  return (integer ? INTEGER_TEXT : DECIMAL_TEXT).test(value) ? Number(value) : undefined;
}

function checkArray(node: ArraySchema, value: unknown, path: string): ContentResult {
  if (!Array.isArray(value)) return fail(`${path}: expected an array`);
  if (node.maxItems !== undefined && value.length > node.maxItems)
    return fail(`${path}: more than ${node.maxItems} items`);
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const item = check(node.items, value[i], `${path}[${i}]`);
    if (!item.ok) return item;
    out.push(item.value);
  }
  return ok(out);
}

function checkObject(node: ObjectSchema, value: unknown, path: string): ContentResult {
  const source = readObject(node, value, path);
  if (!source.ok) return source;
  const input = source.value as Record<string, unknown>;
  const out = copyExtras(node, input);
  for (const [name, field] of Object.entries(node.fields)) {
    const raw = pickField(node, input, name);
    if (raw === undefined || raw === null) {
      if (field.optional !== true) return fail(`${path}.${name}: is required`);
      if (field.default !== undefined) out[name] = cloneJson(field.default);
      continue;
    }
    const checked = check(field.schema, raw, `${path}.${name}`);
    if (!checked.ok) return checked;
    out[name] = checked.value;
  }
  const reason = node.refine?.(out);
  return reason === undefined ? ok(out) : fail(`${path}: ${reason}`);
}

/** The object to check: the value itself, or the object a JSON string holds (old clients). */
function readObject(node: ObjectSchema, value: unknown, path: string): ContentResult {
  if (isPlainObject(value)) return ok(value);
  if (node.acceptJsonString === true && typeof value === 'string') {
    const parsed = parseJsonObject(value, path);
    if (parsed !== undefined) return parsed;
  }
  return fail(`${path}: expected an object`);
}

/**
 * The guarded object held in a JSON string; undefined when the string does not hold a JSON
 * object (then it is just text). Only strings starting with '{' are tried.
 */
function parseJsonObject(text: string, path: string): ContentResult | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const reason = guardContent(parsed, path);
  return reason === undefined ? ok(parsed) : fail(reason);
}

/** Fields the schema does not know are kept for forward compatibility; alias keys are not. */
function copyExtras(node: ObjectSchema, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(input)) {
    const known = hasOwn(node.fields, key) || (node.aliases !== undefined && hasOwn(node.aliases, key));
    if (!known && item !== undefined) out[key] = cloneJson(item);
  }
  return out;
}

/** The canonical field wins over a misspelt alias when both are present. */
function pickField(node: ObjectSchema, input: Record<string, unknown>, name: string): unknown {
  const direct = hasOwn(input, name) ? input[name] : undefined;
  if (direct !== undefined && direct !== null) return direct;
  for (const [alias, target] of Object.entries(node.aliases ?? {})) {
    if (target === name && hasOwn(input, alias)) return input[alias];
  }
  return direct;
}

/**
 * The first option that accepts the value wins. A string holding a JSON object is an object
 * when some option accepts JSON strings: it is then checked as that object only, so a bad
 * object can never slip through as plain text.
 */
function checkOneOf(node: OneOfSchema, value: unknown, path: string): ContentResult {
  const decoded =
    typeof value === 'string' && node.options.some(acceptsJsonString) ? parseJsonObject(value, path) : undefined;
  if (decoded !== undefined && !decoded.ok) return decoded;
  const input = decoded === undefined ? value : decoded.value;
  const reasons: string[] = [];
  let badUrl = false;
  for (const option of node.options) {
    const result = check(option, input, path);
    if (result.ok) return result;
    reasons.push(result.reason);
    badUrl ||= result.badUrl === true;
  }
  return badUrl ? { ok: false, reason: reasons.join(' | '), badUrl: true } : fail(reasons.join(' | '));
}

function acceptsJsonString(option: ContentSchema): boolean {
  return option.kind === 'object' && option.acceptJsonString === true;
}

function ok(value: unknown): ContentResult {
  return { ok: true, value };
}

function fail(reason: string): ContentResult {
  return { ok: false, reason };
}
