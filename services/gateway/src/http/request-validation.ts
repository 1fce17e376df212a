import Ajv from 'ajv';
import type { Options, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { AppError } from '@im/common';
import type { FastifyInstance, FastifySchema, FastifySchemaValidationError } from 'fastify';

/**
 * Request validation of the HTTP API, strict where the client chose the types:
 *
 * - **Bodies** are JSON, so they are checked as sent: no type coercion (`"42"` is not `42`, `42`
 *   is not `["42"]`), nothing removed, and an unknown field is refused by name (every body schema
 *   says `additionalProperties: false`). A route that declares no body takes none: a body with
 *   fields is refused the same way.
 * - **Query strings and path parameters** are text on the wire, so a number in them
 *   (`?limit=20`) is read as the number its schema asks for; anything else (`?limit=many`) is
 *   refused. Unknown query parameters are refused where the schema says so.
 *
 * Fastify's defaults (`coerceTypes: 'array'`, `removeAdditional: true`) would instead drop a
 * misspelt field and turn `memberIds: 42` into `["42"]`: a request that "worked" and did
 * something else.
 */
const COMMON: Options = { useDefaults: true, allErrors: false, addUsedSchema: false };
const asSent = addFormats(new Ajv({ ...COMMON, coerceTypes: false, removeAdditional: false }));
const fromText = addFormats(new Ajv({ ...COMMON, coerceTypes: true, removeAdditional: false }));

function compile(ajv: Ajv, schema: Record<string, unknown>): ValidateFunction {
  // A schema with an $id is compiled once per instance (Ajv refuses the same id twice).
  const id = schema.$id;
  if (typeof id === 'string') {
    const known = ajv.getSchema(id);
    if (known) return known;
  }
  return ajv.compile(schema);
}

/** One error, readable: `body/nmae is not a known field`, `body/memberIds must be array`. */
export function describeValidationError(error: FastifySchemaValidationError, part: string): string {
  const at = `${part}${error.instancePath}`;
  const extra = (error.params as { additionalProperty?: unknown }).additionalProperty;
  if (error.keyword === 'additionalProperties' && typeof extra === 'string')
    return `${at}/${extra} is not a known field`;
  return `${at} ${error.message ?? 'is not valid'}`;
}

/** True when a request carries a body with something in it (not absent, null, '' or {}). */
function hasContent(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return false;
  if (typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) return Object.keys(body).length > 0;
  return true;
}

/**
 * A body validator that reads an absent body (fastify passes null) as `{}`: a route whose body
 * schema has no required field takes no body at all as well as an empty one.
 */
function bodyValidator(schema: Record<string, unknown>): ValidateFunction {
  const validate = compile(asSent, schema);
  const absentAsEmpty = ((data: unknown) => {
    const ok = validate(data === null ? {} : data);
    absentAsEmpty.errors = validate.errors;
    return ok;
  }) as ValidateFunction;
  return absentAsEmpty;
}

/** Installs the validators above on `app`; call before any route is registered. */
export function installRequestValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body'
      ? bodyValidator(schema as Record<string, unknown>)
      : compile(fromText, schema as Record<string, unknown>),
  );
  app.setSchemaErrorFormatter(
    (errors, dataVar) => new Error(errors.map((e) => describeValidationError(e, dataVar)).join('; ')),
  );
  app.addHook('preValidation', async (request) => {
    // (An unknown route is answered 404 by the not-found handler, whatever its body.)
    if (
      request.is404 ||
      (request.routeOptions.schema as FastifySchema | undefined)?.body !== undefined ||
      (request.routeOptions.schema as FastifySchema | undefined)?.rawBody === true ||
      !hasContent(request.body)
    )
      return;
    const body = request.body;
    const fields =
      typeof body === 'object' && body !== null && !Array.isArray(body) && !Buffer.isBuffer(body)
        ? Object.keys(body)
        : [];
    const first = fields[0];
    throw new AppError(
      'IM_ERR_BAD_REQUEST',
      first !== undefined
        ? `body/${first} is not a known field (this route takes no body)`
        : 'this route takes no body',
    );
  });
}
