import { readFileSync } from 'node:fs';
import type Router from '@koa/router';
import { notFound } from '../../errors.js';
import { GUIDE_PAGES, GUIDE_PATH } from '../guidePages.js';

/** Markdown shown as text: nothing in it runs, loads or frames. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * `GET /docs/guide/{page}`: the guide's Markdown pages, from the fixed list
 * {@link GUIDE_PAGES}, read once at start-up from the repository's `docs/`
 * (beside `package.json`, as the build does not copy them), so the service
 * serves its own documentation offline and no request path reaches the file system.
 */
export function guideRoutes(router: Router): void {
  // dist/src/server/routes/ → the repository root, as docsRoutes finds package.json.
  const pages = new Map(GUIDE_PAGES.map(({ file }) => [file, readFileSync(new URL(`../../../../docs/${file}`, import.meta.url), 'utf8')]));
  router.get(`${GUIDE_PATH}/:page`, (ctx) => {
    const page = pages.get(ctx.params.page ?? '');
    if (page === undefined) throw notFound('guide page', ctx.params.page ?? '');
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/markdown; charset=utf-8';
    ctx.body = page;
  });
}
