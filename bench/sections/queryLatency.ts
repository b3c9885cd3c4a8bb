import type { BenchContext } from '../BenchContext.js';
import { ingestOverHttp } from '../ingestOverHttp.js';
import { log } from '../log.js';
import type { SectionResult } from '../reportModel.js';
import { summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { withService } from '../withService.js';

/** Times each query is sent, one at a time, after one unmeasured warm-up. */
const REPEATS = 15;

/**
 * Targets 11a-11c: browsing the 1M-image dataset as a new user would, against
 * a service that has just ingested it: a category's first page, a page half
 * way down (by cursor, and by offset for comparison), the dataset itself, and
 * the filters and statistics. Latency is the client's, one request at a time.
 */
export async function queryLatency(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const large = await context.dataset(options.largeImages, false);
  const measured = await withService(context, `queries-${large.name}`, options.cores, async (service) => {
    const { complete } = await ingestOverHttp(service.url, {
      annotation_path: large.annotationPath,
      image_dir: large.imageDir,
      dataset_name: large.name,
      thumbnails: 'none',
    });
    const id = complete.dataset_id;
    const get = async (path: string) => {
      const response = await fetch(`${service.url}${path}`);
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(body)}`);
      return body;
    };
    // A category of middling frequency, as a user would pick one from the list.
    const dataset = await get(`/datasets/${id}`);
    const categories = (dataset.categories as { name: string; annotation_count: number }[]).slice().sort((a, b) => a.annotation_count - b.annotation_count);
    const category = encodeURIComponent(categories[Math.floor(categories.length / 2)]!.name);
    const half = Math.floor(large.images / 2);
    const cursor = (await get(`/samples?dataset_id=${id}&offset=${half - 1}&limit=1`)).next_cursor as string;
    const queries: Record<string, string> = {
      categoryFirst: `/samples?dataset_id=${id}&category=${category}`,
      cursorHalf: `/samples?dataset_id=${id}&cursor=${cursor}`,
      offsetHalf: `/samples?dataset_id=${id}&offset=${half}`,
      dataset: `/datasets/${id}`,
      crowd: `/samples?dataset_id=${id}&iscrowd=true`,
      manyAnnotations: `/samples?dataset_id=${id}&min_annotations=15`,
      smallOfCategory: `/samples?dataset_id=${id}&category=${category}&area=small`,
      stats: `/datasets/${id}/stats`,
    };
    const latencies: Record<string, number[]> = {};
    for (const [name, path] of Object.entries(queries)) {
      await get(path);
      latencies[name] = [];
      for (let i = 0; i < REPEATS; i++) {
        const started = performance.now();
        await get(path);
        latencies[name].push(performance.now() - started);
      }
      log(`query ${name}: p50 ${summarize(latencies[name]).median.toFixed(1)} ms`);
    }
    return { latencies, category: decodeURIComponent(category) };
  });
  const p50 = (name: string) => summarize(measured.latencies[name]!).median;
  const row = (label: string, name: string) => ({ label, unit: 'ms' as const, values: measured.latencies[name]! });
  return {
    title: `Browsing ${large.images.toLocaleString('en-US')} images (${large.name}, just ingested)`,
    method:
      `Fresh service (\`WORKERS=${options.cores}\`, empty \`DATA_DIR\`), a metadata-only ingest of ${large.name}, then each query ` +
      `${REPEATS} times one after the other, after one unmeasured warm-up; latency from sending the request to the parsed body, ` +
      `at the client. The category is the one of median frequency (${measured.category}); "half way" is sample ${Math.floor(large.images / 2).toLocaleString('en-US')}. ` +
      'Pages are 50 samples; a first page counts its total.',
    figures: [
      row(`GET /samples?category=… first page (with its total)`, 'categoryFirst'),
      row('GET /samples half way, by cursor', 'cursorHalf'),
      row('GET /samples half way, by offset', 'offsetHalf'),
      row('GET /datasets/{id}', 'dataset'),
      row('GET /samples?iscrowd=true first page', 'crowd'),
      row('GET /samples?min_annotations=15 first page', 'manyAnnotations'),
      row('GET /samples?category=…&area=small first page', 'smallOfCategory'),
      row('GET /datasets/{id}/stats', 'stats'),
    ],
    targets: [
      checkTarget(TARGETS.queryCategoryFirst, p50('categoryFirst'), 'median latency of the first page of a category'),
      checkTarget(TARGETS.queryDeepPage, p50('cursorHalf'), 'median latency of the page half way through, by cursor'),
      checkTarget(TARGETS.queryDataset, p50('dataset'), 'median latency of GET /datasets/{id}'),
    ],
    tables: [],
  };
}
