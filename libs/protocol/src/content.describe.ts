import type { ContentSchema, FieldSchema } from './content.schema';
import { ID_PATTERN } from './id.format';
import { MAX_URL_LENGTH } from './url.format';

/**
 * The content schemas of the registry in two other forms, both generated, never written by hand:
 * one line of text for people (docs/protocol.md) and JSON Schema 2020-12 for machines (the
 * AsyncAPI document). Both describe the content as the server delivers it (normalised: ids and
 * numbers as their canonical types); what the server also accepts from old clients (an object's
 * JSON as a string, a number for a string id) is said in words.
 */

const range = (min: number | undefined, max: number | undefined): string => {
  if (min === undefined && max === undefined) return '';
  if (min !== undefined && max !== undefined) return ` ${min}…${max}`;
  return min !== undefined ? ` ≥ ${min}` : ` ≤ ${String(max)}`;
};

function describeField(name: string, field: FieldSchema): string {
  const optional = field.optional === true ? '?' : '';
  const fallback = field.default !== undefined ? ` = ${JSON.stringify(field.default)}` : '';
  return `${name}${optional}: ${describeContent(field.schema)}${fallback}`;
}

/** One line: `{ url: url } (or its JSON as a string) | url`, `string (non-empty)`, `integer 0…1`. */
export function describeContent(s: ContentSchema): string {
  switch (s.kind) {
    case 'any':
      return 'anything (ignored; absent is "")';
    case 'string': {
      if (s.maxLength === 0) return '"" (empty)';
      const parts = [
        s.minLength === 1 && s.maxLength === undefined ? 'non-empty' : '',
        s.fromNumber === true ? 'a number is read as its decimal text' : '',
      ].filter(Boolean);
      const length =
        (s.minLength !== undefined && s.minLength > 1) || s.maxLength !== undefined
          ? ` (${s.minLength ?? 0}…${s.maxLength ?? '∞'} characters)`
          : '';
      return `string${length}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
    }
    case 'number':
      return `${s.integer === true ? 'integer' : 'number'}${range(s.min, s.max)}`;
    case 'boolean':
      return 'boolean';
    case 'url':
      return s.allowEmpty === true ? 'url | ""' : 'url';
    case 'id':
      return 'id';
    case 'array':
      return `${describeContent(s.items)}[]${s.maxItems !== undefined ? ` (at most ${s.maxItems})` : ''}`;
    case 'object': {
      const fields = Object.entries(s.fields).map(([name, f]) => describeField(name, f));
      const body = fields.length === 0 ? 'object (any fields)' : `{ ${fields.join(', ')} }`;
      const notes = [
        s.aliases
          ? `also read: ${Object.entries(s.aliases)
              .map(([from, to]) => `${from} as ${to}`)
              .join(', ')}`
          : '',
        s.refine ? 'plus a cross-field rule' : '',
      ].filter(Boolean);
      return `${body}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
    }
    case 'oneOf':
      return s.options.map((o) => (o.kind === 'oneOf' ? `(${describeContent(o)})` : describeContent(o))).join(' | ');
  }
}

/** True when the schema (or one of its options) is an object that old clients may send as its JSON text. */
export function acceptsJsonString(s: ContentSchema): boolean {
  if (s.kind === 'object') return s.acceptJsonString === true;
  if (s.kind === 'oneOf') return s.options.some(acceptsJsonString);
  return false;
}

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 of the content as delivered (extra object fields are kept: open objects). */
export function contentJsonSchema(s: ContentSchema): JsonSchema {
  switch (s.kind) {
    case 'any':
      return { description: 'Anything; ignored.' };
    case 'string':
      if (s.maxLength === 0) return { const: '' };
      return {
        type: 'string',
        ...(s.minLength !== undefined ? { minLength: s.minLength } : {}),
        ...(s.maxLength !== undefined ? { maxLength: s.maxLength } : {}),
      };
    case 'number':
      return {
        type: s.integer === true ? 'integer' : 'number',
        ...(s.min !== undefined ? { minimum: s.min } : {}),
        ...(s.max !== undefined ? { maximum: s.max } : {}),
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'url': {
      const url = {
        type: 'string',
        pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
        maxLength: MAX_URL_LENGTH,
        description: 'An absolute http(s) URL.',
      };
      return s.allowEmpty === true ? { anyOf: [url, { const: '' }] } : url;
    }
    case 'id':
      return { type: 'string', pattern: ID_PATTERN.source };
    case 'array':
      return {
        type: 'array',
        items: contentJsonSchema(s.items),
        ...(s.maxItems !== undefined ? { maxItems: s.maxItems } : {}),
      };
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [name, f] of Object.entries(s.fields)) {
        properties[name] = {
          ...contentJsonSchema(f.schema),
          ...(f.default !== undefined ? { default: f.default } : {}),
        };
        if (f.optional !== true) required.push(name);
      }
      return {
        type: 'object',
        ...(Object.keys(properties).length > 0 ? { properties } : {}),
        ...(required.length > 0 ? { required } : {}),
      };
    }
    case 'oneOf':
      return { anyOf: s.options.map(contentJsonSchema) };
  }
}
