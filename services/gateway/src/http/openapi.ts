import { ErrorCodes } from '@im/protocol';
import type { FastifyInstance, RouteOptions } from 'fastify';

type JsonSchema = Record<string, unknown>;

interface Operation {
  operationId: string;
  tags: string[];
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: JsonSchema;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options']);
const UNAUTHENTICATED = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

/** `/v1/groups/:groupId` → `/v1/groups/{groupId}`. */
export const toOpenApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(url: string, schema: RouteOptions['schema']): JsonSchema[] {
  const params = ((schema?.params as JsonSchema | undefined)?.properties ?? {}) as Record<string, JsonSchema>;
  const inPath = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');
  const out: JsonSchema[] = inPath.map((name) => ({ name, in: 'path', required: true, schema: params[name] ?? { type: 'string' } }));
  const query = schema?.querystring as JsonSchema | undefined;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  for (const [name, s] of Object.entries((query?.properties ?? {}) as Record<string, JsonSchema>)) {
    out.push({ name, in: 'query', required: required.has(name), schema: s });
  }
  return out;
}

function responses(schema: RouteOptions['schema']): Record<string, JsonSchema> {
  const declared = (schema?.response ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, JsonSchema> = {};
  for (const [status, s] of Object.entries(declared)) out[status] = { description: `${status} response`, content: { 'application/json': { schema: s } } };
  if (Object.keys(out).length === 0) out['2XX'] = { description: 'Success (204 without a body for commands; JSON for reads).' };
  out.default = { description: 'An error from the error registry.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return out;
}

/**
 * Collects every route the gateway registers (an `onRoute` hook, so it must be installed before
 * the routes) with the JSON schemas they validate with, and builds an OpenAPI 3.0 document from
 * them: path and query parameters, the request body, responses (the declared ones, else a 2XX),
 * and the registry's error body as the default response.
 */
export function collectOpenApi(app: FastifyInstance, info: { title: string; version: string }): { document(): OpenApiDocument } {
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
      for (const route of routes) {
        for (const method of [route.method].flat().map((m) => m.toLowerCase())) {
          if (!METHODS.has(method)) continue;
          const path = toOpenApiPath(route.url);
          const operation: Operation = {
            operationId: uniqueId(`${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`),
            tags: [path.split('/')[path.startsWith('/v1/') ? 2 : 1] ?? 'misc'],
            responses: responses(route.schema),
          };
          const params = parameters(route.url, route.schema);
          if (params.length > 0) operation.parameters = params;
          if (route.schema?.body !== undefined) {
            operation.requestBody = { required: true, content: { 'application/json': { schema: route.schema.body } } };
          }
          if (!UNAUTHENTICATED.has(route.url)) operation.security = [{ bearer: [] }];
          paths[path] = { ...paths[path], [method]: operation };
        }
      }
      return {
        openapi: '3.0.3',
        info: { ...info, description: 'HTTP API of the IM gateway, generated from the JSON schemas its routes validate with. Errors: `{code, name, error}` from the one error registry.' },
        paths,
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
          schemas: {
            Error: {
              type: 'object',
              required: ['code', 'name', 'error'],
              properties: {
                code: { type: 'integer' },
                name: { type: 'string', enum: Object.keys(ErrorCodes) },
                error: { type: 'string' },
              },
            },
          },
        },
      };
    },
  };
}
