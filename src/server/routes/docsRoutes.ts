import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Router from '@koa/router';
import { notFound } from '../../errors.js';
import { buildOpenApi } from '../openapi/buildOpenApi.js';

const require = createRequire(import.meta.url);

/** Swagger UI's files, from the swagger-ui-dist package: served by the service itself, so the page works offline. */
const SWAGGER_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>coco-ingest API</title>
    <link rel="icon" type="image/svg+xml" href="/ui/favicon.svg" />
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/** The page's own script: no inline script, which the Content-Security-Policy forbids. */
const INIT = `window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
});
`;

/** Swagger UI sets style attributes, so this page alone allows inline styles; scripts stay 'self'. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** `GET /openapi.json` (the API reference, built once) and `GET /docs` (it, rendered). */
export function docsRoutes(router: Router): void {
  const version = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const document = JSON.stringify(buildOpenApi({ version }));
  // A fixed list, read once: no request path reaches the file system.
  const assets: Record<string, { type: string; body: string }> = {
    'swagger-ui.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(SWAGGER_DIR, 'swagger-ui.css'), 'utf8') },
    'swagger-ui-bundle.js': {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(path.join(SWAGGER_DIR, 'swagger-ui-bundle.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
    },
    'init.js': { type: 'text/javascript; charset=utf-8', body: INIT },
  };
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = document;
  });
  router.get('/docs', (ctx) => {
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });
  router.get('/docs/:asset', (ctx) => {
    const asset = Object.hasOwn(assets, ctx.params.asset!) ? assets[ctx.params.asset!]! : null;
    if (!asset) throw notFound('file', ctx.params.asset!);
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.type = asset.type;
    ctx.body = asset.body;
  });
}
