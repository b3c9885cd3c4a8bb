import { formatWithUnit } from './formatValue.js';
import type { TargetResult, Unit } from './reportModel.js';
import { summarize } from './stats.js';

/** A target from the benchmark issues: a comparison against a fixed threshold. */
export interface TargetSpec {
  id: string;
  description: string;
  op: '>=' | '<=' | '<';
  threshold: number;
  unit: Unit;
}

const queryTarget = (id: string, what: string, cold: boolean): TargetSpec => ({
  id,
  description: cold ? `First request after a restart (cold): ${what} at 1M images` : `p50 of ${what} at 1M images (warm repeats)`,
  op: '<=',
  threshold: 100,
  unit: 'ms',
});

/** The queries of targets 11 (warm) and 12 (cold), by the queries section's names. */
const QUERY_TARGETS = {
  categoryFirst: ['a', "a category's first page of GET /samples (with its total)"],
  cursorHalf: ['b', 'a GET /samples page half way through, by cursor'],
  dataset: ['c', 'GET /datasets/{id}'],
  stats: ['d', 'GET /datasets/{id}/stats'],
  crowd: ['e', 'GET /samples?iscrowd=true (first page, with its total)'],
  manyAnnotations: ['f', 'GET /samples?min_annotations=15 (first page, with its total)'],
  smallOfCategory: ['g', 'GET /samples?category=…&area=small (first page, with its total)'],
} as const;

/** A query of targets 11 and 12. */
export type TargetQuery = keyof typeof QUERY_TARGETS;

/** The queries with targets, in target order. */
export const TARGET_QUERIES = Object.keys(QUERY_TARGETS) as TargetQuery[];

/** Target 11x (warm p50) or 12x (cold) of `query`. */
export function queryTargetSpec(query: TargetQuery, cold: boolean): TargetSpec {
  const [letter, what] = QUERY_TARGETS[query];
  return queryTarget(`${cold ? 12 : 11}${letter}`, what, cold);
}

/** The targets, in one place. Each is checked in every run: see {@link checkTarget}. */
export const TARGETS = {
  hashCost: {
    id: 'Q1',
    description: "Hashing's cost to the thumbnail stage's throughput (the ingest with hashes against `hashes: false`)",
    op: '<=',
    threshold: 5,
    unit: '%',
  },
  duplicateSearch: {
    id: 'Q2',
    description: 'Near-duplicate search at the default distance (1M hashes; 100K with --quick)',
    op: '<=',
    threshold: 10,
    unit: 's',
  },
  qualityChecks: {
    id: 'Q3',
    description: 'All annotation checks of a dataset, from what its commits kept (1M images; 100K with --quick)',
    op: '<=',
    threshold: 2,
    unit: 's',
  },
  thumbnailThroughput: {
    id: '1',
    description: 'Thumbnail ingest vs vipsthumbnail matched to it (effort 2, strip, one long-lived process per core; images/s ratio per round)',
    op: '>=',
    threshold: 1.0,
    unit: 'x',
  },
  metadataVsJsonParse: {
    id: '2',
    description: 'Metadata-only ingest of the 100K file vs `JSON.parse(readFileSync(file))` of it (time ratio per round)',
    op: '<=',
    threshold: 1.3,
    unit: 'x',
  },
  metadataVsStreamJson: {
    id: '2b',
    description: 'Metadata-only ingest of the 100K file vs stream-json parsing it (time ratio per round; kept for continuity)',
    op: '<=',
    threshold: 0.5,
    unit: 'x',
  },
  metadataPeakRss: { id: '3a', description: 'Server peak RSS during the 100K metadata-only ingest', op: '<=', threshold: 600, unit: 'MB' },
  metadataRssGrowth: {
    id: '3b',
    description: 'Growth above idle RSS from the 25K to the 100K metadata-only ingest (peak − idle, ratio per round, minus 1)',
    op: '<',
    threshold: 20,
    unit: '%',
  },
  machineCeiling: {
    id: '4',
    description: 'Thumbnail ingest vs the ceiling: the same sharp call in one long-lived process per core on the same images (images/s ratio per round)',
    op: '>=',
    threshold: 0.95,
    unit: 'x',
  },
  sseFanOut: { id: '5', description: 'Slowdown of a thumbnail ingest watched by many SSE clients vs one (per round)', op: '<=', threshold: 5, unit: '%' },
  imageServing: {
    id: '6',
    description: 'Cached thumbnail serving vs a bare node:http server sending the same bytes from memory (req/s ratio per round)',
    op: '>=',
    threshold: 0.7,
    unit: 'x',
  },
  gcsIngest: {
    id: '7',
    description: 'Thumbnail ingest from Cloud Storage (emulator behind a proxy adding 20 ms per request) vs from local disk (images/s ratio per round)',
    op: '>=',
    threshold: 0.8,
    unit: 'x',
  },
  largePeakRss: { id: '8a', description: 'Server peak RSS during the 1M-image metadata-only ingest', op: '<=', threshold: 600, unit: 'MB' },
  largeRate: {
    id: '8b',
    description: 'Per-image rate of the 1M-image metadata-only ingest vs the 100K one (ratio per round)',
    op: '>=',
    threshold: 0.9,
    unit: 'x',
  },
  largeApiLatency: {
    id: '8c',
    description: 'p99 of GET /samples on another dataset during the 1M-image ingest (open-loop probes every 100 ms)',
    op: '<=',
    threshold: 100,
    unit: 'ms',
  },
  largeApiLatencySelf: {
    id: '8d',
    description: 'p99 of GET /samples on the dataset being ingested, during its 1M-image ingest (open-loop probes every 100 ms)',
    op: '<=',
    threshold: 100,
    unit: 'ms',
  },
  largeEventLoopDelay: {
    id: '8e',
    description: "Longest event-loop delay of the service's main thread during the 1M-image ingest (monitorEventLoopDelay max)",
    op: '<=',
    threshold: 100,
    unit: 'ms',
  },
  queueScaling: {
    id: '9',
    description: 'Queue mode: thumbnail ingest with 2 worker processes vs 1 (WORKERS=1 each; images/s ratio per round)',
    op: '>=',
    threshold: 1.6,
    unit: 'x',
  },
  exportVsIngest: {
    id: '10a',
    description: 'COCO JSON export of the 100K dataset vs its metadata-only ingest (time ratio per round)',
    op: '<',
    threshold: 1,
    unit: 'x',
  },
  exportRss: { id: '10b', description: 'Server RSS while exporting the 100K dataset', op: '<=', threshold: 600, unit: 'MB' },
  exportColdVsIngest: {
    id: '10c',
    description: 'The same export as the first request after a restart (cold) vs the ingest (time ratio per round)',
    op: '<',
    threshold: 1,
    unit: 'x',
  },
  evaluationBbox: {
    id: '13a',
    description: "bbox evaluation of a val2017-sized set, whole job vs pycocotools' evaluate()+accumulate() (time ratio)",
    op: '>=',
    threshold: 25,
    unit: 'x',
  },
  evaluationSegm: {
    id: '13b',
    description: "segm evaluation of a val2017-sized set, whole job vs pycocotools' evaluate()+accumulate() (time ratio)",
    op: '>=',
    threshold: 10,
    unit: 'x',
  },
  evaluationKeypoints: {
    id: '13c',
    description: "keypoints evaluation of a val2017-sized set, whole job vs pycocotools' evaluate()+accumulate() (time ratio)",
    op: '>=',
    threshold: 10,
    unit: 'x',
  },
  evaluationLargeRss: {
    id: '13d',
    description: 'Server peak RSS during the bbox evaluation of 1M images, 7.5M annotations, ~8M predictions (sampled)',
    op: '<=',
    threshold: 1000,
    unit: 'MB',
  },
  evaluationLargeRate: {
    id: '13e',
    description: 'Per-image rate of the 1M-image bbox evaluation vs the val2017-sized one (ratio per round)',
    op: '>=',
    threshold: 0.8,
    unit: 'x',
  },
} as const satisfies Record<string, TargetSpec>;

/**
 * Checks every run's value against `spec`: the target passes only if each run
 * meets it, so that none is met by its median alone. `measured` is the median
 * of the runs (for ratios, of the per-round ratios); `detail` says how each
 * run's value was computed.
 */
export function checkTarget(spec: TargetSpec, runs: number | readonly number[], detail: string): TargetResult {
  const values = typeof runs === 'number' ? [runs] : [...runs];
  const meets = (v: number) => (spec.op === '>=' ? v >= spec.threshold : spec.op === '<=' ? v <= spec.threshold : v < spec.threshold);
  return {
    id: spec.id,
    description: spec.description,
    measured: summarize(values).median,
    runs: values,
    unit: spec.unit,
    goal: `${spec.op} ${formatWithUnit(spec.threshold, spec.unit)}`,
    pass: values.every(meets),
    failedRuns: values.flatMap((v, i) => (meets(v) ? [] : [i + 1])),
    detail,
  };
}
