import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** The report's sections, each runnable alone with `--only`. */
export const SECTION_NAMES = [
  'metadata',
  'thumbnails',
  'scaling',
  'queue',
  'export',
  'upload',
  'fanout',
  'serving',
  'gcs',
  'large',
  'queries',
  'evaluation',
  'evaluation-large',
  'quality',
] as const;

/** Sections a run without `--only` leaves out unless asked for: `large`, `queries` and `evaluation-large` take minutes and GBs of disk (`--large`). */
const ON_REQUEST: readonly SectionName[] = ['large', 'queries', 'evaluation-large'];

/** One section of the bench. */
export type SectionName = (typeof SECTION_NAMES)[number];

/** Everything a bench run is parameterised by. */
export interface BenchOptions {
  /** `--quick`: small sizes for a smoke run. */
  quick: boolean;
  /** `--runs`: measured runs of each alternated step; figures are their medians. */
  runs: number;
  /** `--images`: folder searched recursively for source `.jpg` photos (and a real `instances_*.json` for categories). */
  imagesDir: string;
  /** `--out`: the Markdown report. */
  out: string;
  /** `--only`: the sections to run (comma-separated); all when absent. */
  only: SectionName[];
  /** Where inputs, logs and baseline outputs go (git-ignored). */
  workDir: string;
  /** Images of the large metadata-only ingest (targets 2 and 3). */
  metadataImages: number;
  /** Images of the small metadata-only ingest, the base of the memory growth (target 3). */
  metadataSmallImages: number;
  /** Images of the `large` section's metadata-only ingest (targets 8a-8c), compared with `metadataImages`. */
  largeImages: number;
  /** `--thumb-images`: images of the thumbnail runs (targets 1, 4 and 5). */
  thumbImages: number;
  /** Seconds of each load test (target 6). */
  loadSeconds: number;
  /** Seconds of load before the measured ones, per server, so neither is measured cold. */
  warmupSeconds: number;
  /** Concurrent connections of the load tests. */
  connections: number;
  /** SSE clients of the fan-out runs (target 5). */
  sseClients: number;
  /** Samples whose thumbnails are requested cold, one at a time. */
  coldSamples: number;
  /** Images of the evaluation section's input (val2017's 5,000). */
  evaluationImages: number;
  /** `--evaluation-large-images`: images of the `evaluation-large` section's bbox evaluation (targets 13d, 13e). */
  evaluationLargeImages: number;
  /** `--pycocotools`: a pycocotools build (cocoapi's PythonAPI folder) for the evaluation baseline; default `PYCOCOTOOLS_DIR`, else not measured. */
  pycocotools: string | undefined;
  /** Cores: the service's `WORKERS` and vipsthumbnail's process count, unless a section says otherwise. */
  cores: number;
  /** Thumbnail longer side for vipsthumbnail: the service's `medium` size (docs/api.md). */
  thumbnailSize: number;
  /** WebP quality for vipsthumbnail: the service's `THUMBNAIL_QUALITY` default (docs/configuration.md). */
  thumbnailQuality: number;
  /** `--tasks-per-worker`: the `THUMBNAIL_TASKS_PER_WORKER` values the `scaling` section sweeps, for the curve the default is chosen from. */
  tasksPerWorker: number[];
}

/** Defaults of a full run, in one place; `repoRoot`-relative paths are resolved by {@link parseBenchOptions}. */
export const BENCH_DEFAULTS = {
  runs: 3,
  imagesDir: '../shared/data/coco-tiny',
  out: 'BENCHMARKS.md',
  workDir: 'bench/.work',
  metadataImages: 100_000,
  metadataSmallImages: 25_000,
  largeImages: 1_000_000,
  evaluationImages: 5000,
  evaluationLargeImages: 1_000_000,
  thumbImages: 1000,
  loadSeconds: 10,
  warmupSeconds: 1,
  connections: 50,
  sseClients: 200,
  coldSamples: 50,
  thumbnailSize: 256,
  thumbnailQuality: 80,
  tasksPerWorker: [1, 2, 3, 4, 6, 8],
} as const;

/** What `--quick` changes: sizes for a run of a minute or two that never overwrites the real report. */
export const QUICK_DEFAULTS = {
  out: 'bench/.work/BENCHMARKS.quick.md',
  metadataImages: 2000,
  metadataSmallImages: 500,
  largeImages: 20_000,
  evaluationImages: 500,
  evaluationLargeImages: 20_000,
  thumbImages: 60,
  loadSeconds: 2,
} as const;

/** `--help` text. */
export const USAGE = `usage: npm run bench -- [options]
  --quick              small sizes (smoke run); report to ${QUICK_DEFAULTS.out}
  --runs <n>           measured runs per step, alternated (default ${BENCH_DEFAULTS.runs})
  --images <dir>       source photos, searched recursively for .jpg (default ${BENCH_DEFAULTS.imagesDir} from the repo)
  --out <file>         report file (default ${BENCH_DEFAULTS.out})
  --only <sections>    comma-separated subset of: ${SECTION_NAMES.join(', ')}
  --large              also the large, queries and evaluation-large sections: a ${BENCH_DEFAULTS.largeImages.toLocaleString('en-US')}-image metadata ingest (minutes, 3.6 GB of disk)
  --evaluation-large-images <n>  images of the evaluation-large section (default ${BENCH_DEFAULTS.evaluationLargeImages.toLocaleString('en-US')}, quick ${QUICK_DEFAULTS.evaluationLargeImages.toLocaleString('en-US')})
  --pycocotools <dir>  a pycocotools build (cocoapi/PythonAPI) for the evaluation baseline (default $PYCOCOTOOLS_DIR; else not measured)
  --thumb-images <n>   images of the thumbnail runs (default ${BENCH_DEFAULTS.thumbImages}, quick ${QUICK_DEFAULTS.thumbImages})
  --tasks-per-worker <list>  THUMBNAIL_TASKS_PER_WORKER values the scaling section sweeps (default ${BENCH_DEFAULTS.tasksPerWorker.join(',')})`;

/**
 * Reads the command line. Paths given on it are relative to the working
 * directory; default paths are relative to the repository.
 * @throws on unknown flags or invalid values, with the usage text.
 */
export function parseBenchOptions(argv: string[], repoRoot: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      images: { type: 'string' },
      out: { type: 'string' },
      only: { type: 'string' },
      large: { type: 'boolean', default: false },
      'thumb-images': { type: 'string' },
      'evaluation-large-images': { type: 'string' },
      'tasks-per-worker': { type: 'string' },
      pycocotools: { type: 'string' },
    },
    strict: true,
  });
  const sizes = values.quick ? { ...BENCH_DEFAULTS, ...QUICK_DEFAULTS } : BENCH_DEFAULTS;
  const only =
    values.only === undefined ? SECTION_NAMES.filter((name) => values.large || !ON_REQUEST.includes(name)) : values.only.split(',').map((name) => name.trim());
  for (const name of only) {
    if (!(SECTION_NAMES as readonly string[]).includes(name)) throw new Error(`--only: unknown section ${name}\n${USAGE}`);
  }
  return {
    quick: values.quick,
    runs: positiveInt('--runs', values.runs, sizes.runs),
    imagesDir: values.images === undefined ? path.resolve(repoRoot, sizes.imagesDir) : path.resolve(values.images),
    out: values.out === undefined ? path.resolve(repoRoot, sizes.out) : path.resolve(values.out),
    only: only as SectionName[],
    workDir: path.resolve(repoRoot, sizes.workDir),
    metadataImages: sizes.metadataImages,
    metadataSmallImages: sizes.metadataSmallImages,
    largeImages: sizes.largeImages,
    evaluationImages: sizes.evaluationImages,
    evaluationLargeImages: positiveInt('--evaluation-large-images', values['evaluation-large-images'], sizes.evaluationLargeImages),
    pycocotools: values.pycocotools,
    thumbImages: positiveInt('--thumb-images', values['thumb-images'], sizes.thumbImages),
    loadSeconds: sizes.loadSeconds,
    warmupSeconds: sizes.warmupSeconds,
    connections: sizes.connections,
    sseClients: sizes.sseClients,
    coldSamples: sizes.coldSamples,
    cores: availableParallelism(),
    thumbnailSize: sizes.thumbnailSize,
    thumbnailQuality: sizes.thumbnailQuality,
    tasksPerWorker:
      values['tasks-per-worker'] === undefined
        ? [...sizes.tasksPerWorker]
        : values['tasks-per-worker'].split(',').map((v) => positiveInt('--tasks-per-worker', v.trim(), 0)),
  };
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`${flag}: expected a whole number >= 1, got ${value}\n${USAGE}`);
  return Number(value);
}
