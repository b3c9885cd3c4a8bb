import { readFileSync } from 'node:fs';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { notFound } from '../../errors.js';

const JS = 'text/javascript; charset=utf-8';
const ICON = 'image/svg+xml';

/**
 * The browser view's modules and styles, by the name they are served under: a
 * fixed list, read once, so no request path reaches the file system. `rle.js`
 * is the service's own COCO RLE module, compiled, so the page decodes masks
 * exactly as the service encodes them.
 */
const FILES: Record<string, { name: string; type: string }> = {
  'app.js': { name: 'ui/app.js', type: JS },
  'api.js': { name: 'ui/api.js', type: JS },
  'dom.js': { name: 'ui/dom.js', type: JS },
  'job.js': { name: 'ui/job.js', type: JS },
  'jobs.js': { name: 'ui/jobs.js', type: JS },
  'jobsPoll.js': { name: 'ui/jobsPoll.js', type: JS },
  'format.js': { name: 'ui/format.js', type: JS },
  'home.js': { name: 'ui/home.js', type: JS },
  'upload.js': { name: 'ui/upload.js', type: JS },
  'dataset.js': { name: 'ui/dataset.js', type: JS },
  'stats.js': { name: 'ui/stats.js', type: JS },
  'quality.js': { name: 'ui/quality.js', type: JS },
  'sample.js': { name: 'ui/sample.js', type: JS },
  'colours.js': { name: 'ui/colours.js', type: JS },
  'gridEvaluation.js': { name: 'ui/gridEvaluation.js', type: JS },
  'evaluation.js': { name: 'ui/evaluation.js', type: JS },
  'apBarChart.js': { name: 'ui/apBarChart.js', type: JS },
  'prCurveChart.js': { name: 'ui/prCurveChart.js', type: JS },
  'confusionHeatMap.js': { name: 'ui/confusionHeatMap.js', type: JS },
  'comparison.js': { name: 'ui/comparison.js', type: JS },
  'sampleOutcomes.js': { name: 'ui/sampleOutcomes.js', type: JS },
  'rle.js': { name: '../formats/panoptic/rle.js', type: JS },
  'app.css': { name: 'ui/app.css', type: 'text/css; charset=utf-8' },
  'favicon.svg': { name: 'ui/favicon.svg', type: ICON },
};

/** Scripts, styles and data only from this origin; nothing inline, no framing. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** A file as served: its bytes, without a source map comment (the map is not served), and its type. */
function load(name: string, type: string): { body: string; type: string } {
  // The build copies src/server/ui next to the compiled routes (see package.json "build").
  const source = readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
  return { body: source.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'), type };
}

/**
 * `GET /`: the browser view (ingest and uploads with live progress, datasets,
 * thumbnails, annotations), `GET /ui/{file}`, its modules, and `GET /favicon.ico`:
 * its icon (an SVG, which browsers take whatever the name), also the API
 * reference's, so no page asks for a file that is not there.
 */
export function uiRoutes(router: Router): void {
  const page = load('ui/index.html', 'text/html; charset=utf-8');
  const files = new Map(Object.entries(FILES).map(([served, { name, type }]) => [served, load(name, type)]));
  const send = (ctx: Context, file: { body: string; type: string }) => {
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = file.type;
    ctx.body = file.body;
  };
  router.get('/', (ctx) => send(ctx, page));
  router.get('/favicon.ico', (ctx) => {
    send(ctx, files.get('favicon.svg')!);
    // Asked by browsers on every page: cached a day, not checked on each.
    ctx.set('Cache-Control', 'public, max-age=86400');
  });
  router.get('/ui/:file', (ctx) => {
    const file = files.get(ctx.params.file ?? '');
    if (!file) throw notFound('browser view file', ctx.params.file ?? '');
    send(ctx, file);
  });
}
