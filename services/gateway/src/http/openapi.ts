import { ErrorCodes } from '@im/protocol';
import type { FastifyInstance, RouteOptions } from 'fastify';

type JsonSchema = Record<string, unknown>;

/** Who may call a route: a client token, the admin token, or anyone (checked by route-auth.ts). */
export type RouteSecurity = 'bearer' | 'admin' | 'none';

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the API reference (every route has one; the OpenAPI test checks). */
    summary?: string;
    /** More text for the API reference (Markdown). */
    description?: string;
    /** The credential the route asks for, checked by route-auth.ts; required (a route without it fails to register). */
    security?: RouteSecurity;
    /** The route takes raw bytes (an upload), not JSON: documented as `application/octet-stream`. */
    rawBody?: boolean;
    /** Left out of the document (the reference page's own files). */
    hide?: boolean;
  }
}

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: JsonSchema;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options']);
const ERROR_REF = { $ref: '#/components/schemas/Error' };

const TAGS: Record<string, string> = {
  groups: 'Groups: members, roles, join policy, ownership, expiry (docs/groups-and-friends.md).',
  conversations: 'The user’s conversations and their mute setting.',
  messages: 'History pages (docs/protocol-notes.md, “History pages”).',
  friends: 'Friends and friend requests.',
  profile: 'The user’s own name, avatar and signature.',
  users: 'The user directory: profiles by id, in batches, by search.',
  uploads: 'Uploads of images, files, voice and video (docs/media.md).',
  media: 'Uploaded files, by the URL the upload returned (docs/media.md).',
  blacklist: 'Users this user blocked.',
  wallet: 'The user’s balance.',
  'red-packets': 'Red packets (docs/money.md).',
  transfers: 'Transfers between two users (docs/money.md).',
  collections: 'AA collections (docs/money.md).',
  'payment-requests': 'Payment requests (docs/money.md).',
  admin: 'The admin API: `Authorization: Bearer <IM_ADMIN_TOKEN>`.',
  console: 'The web console and its endpoints (docs/console.md).',
  docs: 'This reference and the machine-readable documents.',
  ops: 'Health, readiness and metrics.',
};

/** `/v1/groups/:groupId` → `/v1/groups/{groupId}`. */
export const toOpenApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function tagOf(path: string): string {
  const first = path.split('/')[path.startsWith('/v1/') ? 2 : 1] ?? '';
  if (first === 'profile' || first === 'messages' || first in TAGS) return first;
  if (['healthz', 'readyz', 'metrics'].includes(first)) return 'ops';
  if (['openapi.json', 'asyncapi.json'].includes(first)) return 'docs';
  return 'misc';
}

function parameters(url: string, schema: RouteOptions['schema']): JsonSchema[] {
  const params = ((schema?.params as JsonSchema | undefined)?.properties ?? {}) as Record<string, JsonSchema>;
  const inPath = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');
  const out: JsonSchema[] = inPath.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: params[name] ?? { type: 'string' },
  }));
  const query = schema?.querystring as JsonSchema | undefined;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  for (const [name, s] of Object.entries((query?.properties ?? {}) as Record<string, JsonSchema>)) {
    out.push({ name, in: 'query', required: required.has(name), schema: s });
  }
  return out;
}

/** A declared response: JSON with its schema, a 204 without a body, or another media type (`contentMediaType`). */
function response(status: string, s: JsonSchema): JsonSchema {
  const { description, contentMediaType, ...schema } = s as {
    description?: string;
    contentMediaType?: string;
  } & JsonSchema;
  const text = description ?? (status.startsWith('2') ? 'Success.' : `${status} response.`);
  if (status === '204' || schema.type === 'null') return { description: text };
  if (typeof contentMediaType === 'string') return { description: text, content: { [contentMediaType]: { schema } } };
  return { description: text, content: { 'application/json': { schema } } };
}

function responses(schema: RouteOptions['schema']): Record<string, JsonSchema> {
  const declared = (schema?.response ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, JsonSchema> = {};
  for (const [status, s] of Object.entries(declared)) out[status] = response(status, s);
  if (!Object.keys(out).some((s) => s.startsWith('2') || s.startsWith('3'))) out['2XX'] = { description: 'Success.' };
  out.default = {
    description:
      'An error from the error registry (libs/protocol/src/error-codes.ts): 400 a bad request, 401 no or a bad token, 403, 404, 409, 429, 503 retry.',
    content: { 'application/json': { schema: ERROR_REF } },
  };
  return out;
}

function security(schema: RouteOptions['schema']): Record<string, string[]>[] | undefined {
  const kind = schema?.security ?? 'bearer'; // (every route declares it: route-auth.ts)
  if (kind === 'none') return undefined;
  return [{ [kind]: [] }];
}

function hasRequired(body: unknown): boolean {
  const required = (body as JsonSchema | undefined)?.required;
  return Array.isArray(required) && required.length > 0;
}

/**
 * Collects every route the gateway registers (an `onRoute` hook, so it must be installed before
 * the routes) with the JSON schemas they validate with, and builds an OpenAPI 3.1 document from
 * them: each route's summary, path and query parameters, the request body (required only when it
 * has a required field), its declared responses (`schema.response`: what it answers on success),
 * and the registry's error body as the default response.
 *
 * Response schemas are documentation: the gateway answers with JSON.stringify, so a schema can
 * never drop a field (`documentOnlyResponseSchemas`).
 */
export function collectOpenApi(
  app: FastifyInstance,
  info: { title: string; version: string },
): { document(): OpenApiDocument } {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  return {
    document(): OpenApiDocument {
      const paths: OpenApiDocument['paths'] = {};
      const operationIds = new Set<string>();
      // `/console` and `/console/` (and the like) name the same words: operation ids must be unique.
      const uniqueId = (id: string): string => {
        let unique = id;
        for (let n = 2; operationIds.has(unique); n++) unique = `${id}${n}`;
        operationIds.add(unique);
        return unique;
      };
      const usedTags = new Set<string>();
      for (const route of routes) {
        if (route.schema?.hide === true) continue;
        for (const method of [route.method].flat().map((m) => m.toLowerCase())) {
          if (!METHODS.has(method)) continue;
          const path = toOpenApiPath(route.url);
          const tag = tagOf(path);
          usedTags.add(tag);
          const operation: Operation = {
            operationId: uniqueId(
              `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
            ),
            summary: route.schema?.summary ?? `${method.toUpperCase()} ${path}`,
            ...(route.schema?.description !== undefined ? { description: route.schema.description } : {}),
            tags: [tag],
            responses: responses(route.schema),
          };
          const params = parameters(route.url, route.schema);
          if (params.length > 0) operation.parameters = params;
          if (route.schema?.rawBody === true) {
            operation.requestBody = {
              required: true,
              content: {
                'application/octet-stream': {
                  schema: { type: 'string', contentMediaType: 'application/octet-stream' },
                },
              },
            };
          } else if (route.schema?.body !== undefined) {
            operation.requestBody = {
              required: hasRequired(route.schema.body),
              content: { 'application/json': { schema: route.schema.body } },
            };
          }
          const requirement = security(route.schema);
          if (requirement) operation.security = requirement;
          paths[path] = { ...paths[path], [method]: operation };
        }
      }
      return {
        openapi: '3.1.1',
        info: {
          ...info,
          description:
            'HTTP API of the IM gateway, generated from the JSON schemas its routes validate with. Every call but the few marked otherwise carries a client token, `Authorization: Bearer <JWT>`. Bodies are checked as sent: an unknown field or a wrong type is refused with 400 `IM_ERR_BAD_REQUEST` naming the field. Errors: `{code, name, error}` from the one error registry. The socket protocol: `/asyncapi.json` and docs/protocol.md.',
        },
        servers: [{ url: '/' }],
        tags: Object.entries(TAGS)
          .filter(([name]) => usedTags.has(name))
          .map(([name, description]) => ({ name, description })),
        paths,
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description: 'A client token: HS256 JWT, `sub` = the user id (`npm run -s token -- <userId>`).',
            },
            admin: {
              type: 'http',
              scheme: 'bearer',
              description: 'The admin token, `IM_ADMIN_TOKEN` (unset: the admin API answers 403).',
            },
          },
          schemas: {
            Error: {
              type: 'object',
              title: 'Error',
              required: ['code', 'name', 'error'],
              properties: {
                code: { type: 'integer', description: 'The registry’s number (40001, …).' },
                name: { type: 'string', enum: Object.keys(ErrorCodes) },
                error: { type: 'string', description: 'What went wrong, for a person.' },
              },
            },
          },
        },
      };
    },
  };
}

/**
 * Routes answer with JSON.stringify whatever their declared response schema: the schemas are for
 * the document, and a serializer built from them would silently drop a field they do not list.
 */
export function documentOnlyResponseSchemas(app: FastifyInstance): void {
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
