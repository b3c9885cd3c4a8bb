import { formatWithUnit } from './formatValue.js';
import type { TargetResult, Unit } from './reportModel.js';

/** A target from the benchmark issue: a comparison against a fixed threshold. */
export interface TargetSpec {
  id: string;
  description: string;
  op: '>=' | '<=' | '<';
  threshold: number;
  unit: Unit;
}

/** The targets, in one place. */
export const TARGETS = {
  hashCost: { id: 'Q1', description: "Hashing's cost to the thumbnail function's throughput", op: '<=', threshold: 5, unit: '%' },
  duplicateSearch: {
    id: 'Q2',
    description: 'Near-duplicate search at the default distance (1M hashes; 100K with --quick)',
    op: '<=',
    threshold: 10,
    unit: 's',
  },
  qualityChecks: { id: 'Q3', description: 'All annotation checks of a dataset (100K images; 10K with --quick)', op: '<=', threshold: 2, unit: 's' },
  thumbnailThroughput: {
    id: '1',
    description: 'Thumbnail ingest throughput vs vipsthumbnail (images/s ratio)',
    op: '>=',
    threshold: 1.2,
    unit: 'x',
  },
  metadataVsStreamJson: {
    id: '2',
    description: 'Metadata-only ingest time vs stream-json parse time (time ratio)',
    op: '<=',
    threshold: 0.5,
    unit: 'x',
  },
  metadataPeakRss: { id: '3a', description: 'Server peak RSS during the large metadata-only ingest', op: '<=', threshold: 600, unit: 'MB' },
  metadataRssGrowth: { id: '3b', description: 'Peak RSS growth from the small to the large metadata-only ingest', op: '<', threshold: 20, unit: '%' },
  machineCeiling: {
    id: '4',
    description: "Thumbnail ingest vs the machine's ceiling: the same thumbnail function in one process per core (images/s ratio)",
    op: '>=',
    threshold: 0.9,
    unit: 'x',
  },
  sseFanOut: { id: '5', description: 'Slowdown of a thumbnail ingest watched by many SSE clients vs one', op: '<=', threshold: 5, unit: '%' },
  gcsIngest: {
    id: '7',
    description: 'Thumbnail ingest from Cloud Storage (emulator behind a proxy adding 20 ms per request) vs from local disk (images/s ratio)',
    op: '>=',
    threshold: 0.8,
    unit: 'x',
  },
  largePeakRss: { id: '8a', description: 'Server peak RSS during the 1M-image metadata-only ingest', op: '<=', threshold: 600, unit: 'MB' },
  largeRate: {
    id: '8b',
    description: 'Per-image rate of the 1M-image metadata-only ingest vs the 100K one (ratio)',
    op: '>=',
    threshold: 0.85,
    unit: 'x',
  },
  largeApiLatency: {
    id: '8c',
    description: 'p99 of GET /samples on another dataset while the 1M-image ingest runs',
    op: '<=',
    threshold: 100,
    unit: 'ms',
  },
  queueScaling: {
    id: '9',
    description: 'Queue mode: thumbnail ingest with 2 worker processes vs 1 (WORKERS=1 each; images/s ratio)',
    op: '>=',
    threshold: 1.6,
    unit: 'x',
  },
  exportVsIngest: { id: '10a', description: 'COCO JSON export of the 100K dataset vs its metadata-only ingest (time ratio)', op: '<', threshold: 1, unit: 'x' },
  exportRss: { id: '10b', description: 'Server RSS while exporting the 100K dataset', op: '<=', threshold: 600, unit: 'MB' },
  queryCategoryFirst: { id: '11a', description: "p50 of a category's first page of GET /samples at 1M images", op: '<=', threshold: 100, unit: 'ms' },
  queryDeepPage: { id: '11b', description: 'p50 of a GET /samples page half way through 1M images (cursor)', op: '<=', threshold: 100, unit: 'ms' },
  queryDataset: { id: '11c', description: 'p50 of GET /datasets/{id} at 1M images', op: '<=', threshold: 100, unit: 'ms' },
  imageServing: { id: '6', description: 'Cached thumbnail serving vs a bare node:http server (req/s ratio)', op: '>=', threshold: 0.7, unit: 'x' },
} as const satisfies Record<string, TargetSpec>;

/** Checks `measured` against `spec`; `detail` says how it was computed. */
export function checkTarget(spec: TargetSpec, measured: number, detail: string): TargetResult {
  const pass = spec.op === '>=' ? measured >= spec.threshold : spec.op === '<=' ? measured <= spec.threshold : measured < spec.threshold;
  return {
    id: spec.id,
    description: spec.description,
    measured,
    unit: spec.unit,
    goal: `${spec.op} ${formatWithUnit(spec.threshold, spec.unit)}`,
    pass,
    detail,
  };
}
