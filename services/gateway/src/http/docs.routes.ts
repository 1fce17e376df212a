import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';

/** The files of Swagger UI the page uses, served from the installed `swagger-ui-dist` package. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>IM gateway — HTTP API reference</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32">
    <style>body { margin: 0 } .topbar { display: none }</style>
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

// Nothing leaves the page: no validator badge (it would call an outside service), no outside fonts.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
  displayOperationId: false,
  persistAuthorization: false,
  tryItOutEnabled: false,
});
`;

/**
 * `/docs`: the HTTP API reference, Swagger UI rendering `/openapi.json`. Every file comes from
 * this server (the `swagger-ui-dist` package), so the page works offline and behind a firewall.
 */
export function docsRoutes(app: FastifyInstance): void {
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const hidden = { hide: true, security: 'none' } as const;
  app.get(
    '/docs',
    {
      schema: {
        summary: 'The HTTP API reference (a page rendering /openapi.json); redirects to /docs/',
        security: 'none',
        response: { 302: { type: 'null', description: 'To /docs/.' } },
      },
    },
    async (_req, reply) => reply.redirect('/docs/'),
  );
  app.get('/docs/', { schema: hidden }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(PAGE),
  );
  app.get('/docs/init.js', { schema: hidden }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(INIT),
  );
  app.get<{ Params: { file: string } }>('/docs/assets/:file', { schema: hidden }, async (request, reply) => {
    const type = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined;
    if (type === undefined) throw new AppError('IM_ERR_NOT_FOUND', 'no such reference asset');
    return reply
      .type(type)
      .header('cache-control', 'public, max-age=3600')
      .send(await readFile(join(dir, request.params.file)));
  });
}
