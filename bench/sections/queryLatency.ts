import type { BenchContext } from '../BenchContext.js';
import { formatValue } from '../formatValue.js';
import { ingestOverHttp } from '../ingestOverHttp.js';
import { log } from '../log.js';
import type { SectionResult } from '../reportModel.js';
import { summarize } from '../stats.js';
import { checkTarget, queryTargetSpec, TARGET_QUERIES, type TargetQuery } from '../targets.js';
import { withService } from '../withService.js';

/** Times each query is sent warm in each run, one at a time, after one unmeasured warm-up. */
const REPEATS = 15;

/** Each query, labelled for the report, in report order; `offsetHalf` has no target and stands beside the cursor page. */
const LABELS: Record<TargetQuery | 'offsetHalf', string> = {
  categoryFirst: 'GET /samples?category=… first page (with its total)',
  cursorHalf: 'GET /samples half way, by cursor',
  offsetHalf: 'GET /samples half way, by offset (no target)',
  dataset: 'GET /datasets/{id}',
  stats: 'GET /datasets/{id}/stats',
  crowd: 'GET /samples?iscrowd=true first page (with its total)',
  manyAnnotations: 'GET /samples?min_annotations=15 first page (with its total)',
  smallOfCategory: 'GET /samples?category=…&area=small first page (with its total)',
};

/**
 * Targets 11 and 12: browsing the 1M-image dataset as a new user would. Each
 * query, in each run, is first sent cold, as the first request of a service
 * just restarted on the ingested data (one restart per run of each query, so
 * each is the first), then repeated warm on the same process; each run's warm
 * figure is the median of its repeats. Latency is the client's, one request at a time.
 */
export async function queryLatency(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const large = await context.dataset(options.largeImages, false);
  const measured = await withService(context, `queries-${large.name}`, options.cores, async (first, run) => {
    const { complete } = await ingestOverHttp(first.url, {
      annotation_path: large.annotationPath,
      image_dir: large.imageDir,
      dataset_name: large.name,
      thumbnails: 'none',
    });
    let service = first;
    const id = complete.dataset_id;
    const timedGet = async (path: string) => {
      const started = performance.now();
      const response = await fetch(`${service.url}${path}`);
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(body)}`);
      return { body, ms: performance.now() - started };
    };
    // A category of middling frequency, as a user would pick one from the list.
    const dataset = (await timedGet(`/datasets/${id}`)).body;
    const categories = (dataset.categories as { name: string; annotation_count: number }[]).slice().sort((a, b) => a.annotation_count - b.annotation_count);
    const category = encodeURIComponent(categories[Math.floor(categories.length / 2)]!.name);
    const half = Math.floor(large.images / 2);
    const cursor = (await timedGet(`/samples?dataset_id=${id}&offset=${half - 1}&limit=1`)).body.next_cursor as string;
    const queries: Record<keyof typeof LABELS, string> = {
      categoryFirst: `/samples?dataset_id=${id}&category=${category}`,
      cursorHalf: `/samples?dataset_id=${id}&cursor=${cursor}`,
      offsetHalf: `/samples?dataset_id=${id}&offset=${half}`,
      dataset: `/datasets/${id}`,
      stats: `/datasets/${id}/stats`,
      crowd: `/samples?dataset_id=${id}&iscrowd=true`,
      manyAnnotations: `/samples?dataset_id=${id}&min_annotations=15`,
      smallOfCategory: `/samples?dataset_id=${id}&category=${category}&area=small`,
    };
    const cold: Record<string, number[]> = {};
    /** Per run, the median of its warm requests. */
    const warm: Record<string, number[]> = {};
    const warmMax: Record<string, number> = {};
    for (const [name, path] of Object.entries(queries)) {
      cold[name] = [];
      warm[name] = [];
      warmMax[name] = 0;
      // A run: a restart, so that the cold request is the first of its process, then the warm ones on that process.
      for (let r = 0; r < options.runs; r++) {
        service = await run.restart();
        cold[name].push((await timedGet(path)).ms);
        await timedGet(path);
        const times: number[] = [];
        for (let i = 0; i < REPEATS; i++) times.push((await timedGet(path)).ms);
        const { median, max } = summarize(times);
        warm[name].push(median);
        warmMax[name] = Math.max(warmMax[name], max);
      }
      log(`query ${name}: cold ${cold[name].map((ms) => ms.toFixed(1)).join(', ')} ms, warm p50 ${warm[name].map((ms) => ms.toFixed(1)).join(', ')} ms`);
    }
    return { cold, warm, warmMax, category: decodeURIComponent(category) };
  });
  const p50 = (name: string) => summarize(measured.warm[name]!).median;
  return {
    title: `Browsing ${large.images.toLocaleString('en-US')} images (${large.name})`,
    method:
      `Fresh service (\`WORKERS=${options.cores}\`, empty \`DATA_DIR\`) and a metadata-only ingest of ${large.name}. Then, for each query: ` +
      `${options.runs} runs, each: the service restarted (SIGTERM, a new process on the same \`DATA_DIR\`), the query sent as its first request (cold), ` +
      `then once unmeasured and ${REPEATS} times measured, one after the other (warm; the run's figure is their median). Latency from sending the request to the parsed body, ` +
      `at the client. The category is the one of median frequency (${measured.category}); "half way" is sample ` +
      `${Math.floor(large.images / 2).toLocaleString('en-US')}. Pages are 50 samples; a first page counts its total.`,
    figures: Object.entries(LABELS).map(([name, label]) => ({ label: `${label}, warm p50`, unit: 'ms' as const, values: measured.warm[name]! })),
    targets: [
      ...TARGET_QUERIES.map((q) => checkTarget(queryTargetSpec(q, false), measured.warm[q]!, `each run's median of ${REPEATS} warm requests`)),
      ...TARGET_QUERIES.map((q) => checkTarget(queryTargetSpec(q, true), measured.cold[q]!, 'the first request after a restart, one restart per run')),
    ],
    tables: [
      {
        title: 'Cold and warm, side by side',
        header: ['Query', 'Cold: first request after a restart (median of runs), ms', 'Cold runs, ms', 'Warm p50 (median of runs), ms', 'Warm max, ms'],
        rows: Object.entries(LABELS).map(([name, label]) => [
          label,
          formatValue(summarize(measured.cold[name]!).median, 'ms'),
          measured.cold[name]!.map((ms) => formatValue(ms, 'ms')).join(', '),
          formatValue(p50(name), 'ms'),
          formatValue(measured.warmMax[name]!, 'ms'),
        ]),
      },
    ],
  };
}
