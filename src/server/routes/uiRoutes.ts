import { readFileSync } from 'node:fs';
import type Router from '@koa/router';

/**
 * The browser view's files, read once: a fixed list, so no request path reaches
 * the file system. `rle.js` is the service's own COCO RLE module, compiled, so
 * the page decodes masks exactly as the service encodes them.
 */
const FILES: Record<string, { name: string; type: string }> = {
  '/': { name: 'ui/index.html', type: 'text/html; charset=utf-8' },
  '/ui/app.js': { name: 'ui/app.js', type: 'text/javascript; charset=utf-8' },
  '/ui/app.css': { name: 'ui/app.css', type: 'text/css; charset=utf-8' },
  '/ui/rle.js': { name: '../formats/panoptic/rle.js', type: 'text/javascript; charset=utf-8' },
};

/** Scripts, styles and data only from this origin; nothing inline, no framing. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** `GET /`: the browser view (ingest with live progress, datasets, thumbnails, annotations). */
export function uiRoutes(router: Router): void {
  for (const [route, file] of Object.entries(FILES)) {
    // The build copies src/server/ui next to the compiled routes (see package.json "build").
    const source = readFileSync(new URL(`../${file.name}`, import.meta.url), 'utf8');
    // Without its source map comment: the map is not served.
    const body = source.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    router.get(route, (ctx) => {
      ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      ctx.set('Cache-Control', 'no-cache');
      ctx.type = file.type;
      ctx.body = body;
    });
  }
}
