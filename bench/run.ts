import { loadavg } from 'node:os';
import path from 'node:path';
import { BenchContext } from './BenchContext.js';
import { type BenchOptions, parseBenchOptions, type SectionName, USAGE } from './benchOptions.js';
import { FIRST_TOUCH_BYTES, firstTouchCost, formatFirstTouch } from './firstTouchCost.js';
import { formatWithUnit } from './formatValue.js';
import { loadCategories } from './loadCategories.js';
import { loadImagePool } from './loadImagePool.js';
import { log } from './log.js';
import { machineInfo } from './machineInfo.js';
import { REPO_ROOT } from './repoRoot.js';
import type { SectionResult } from './reportModel.js';
import { evaluationLarge } from './sections/evaluationLarge.js';
import { evaluationSpeed } from './sections/evaluationSpeed.js';
import { exportSpeed } from './sections/exportSpeed.js';
import { gcsIngest } from './sections/gcsIngest.js';
import { imageServing } from './sections/imageServing.js';
import { largeIngest } from './sections/largeIngest.js';
import { metadataIngest } from './sections/metadataIngest.js';
import { qualityChecks } from './sections/qualityChecks.js';
import { queryLatency } from './sections/queryLatency.js';
import { queueScaling } from './sections/queueScaling.js';
import { sseFanOut } from './sections/sseFanOut.js';
import { thumbnailCeiling } from './sections/thumbnailCeiling.js';
import { thumbnailThroughput } from './sections/thumbnailThroughput.js';
import { uploadSpeed } from './sections/uploadSpeed.js';
import { writeReport } from './writeReport.js';

// `npm run bench [-- options]`: generates the inputs, runs the sections one
// after the other (never two measurements at once), and writes the report.
const SECTIONS: Record<SectionName, (context: BenchContext) => Promise<SectionResult>> = {
  metadata: metadataIngest,
  thumbnails: thumbnailThroughput,
  scaling: thumbnailCeiling,
  queue: queueScaling,
  export: exportSpeed,
  upload: uploadSpeed,
  fanout: sseFanOut,
  serving: imageServing,
  gcs: gcsIngest,
  large: largeIngest,
  queries: queryLatency,
  evaluation: evaluationSpeed,
  'evaluation-large': evaluationLarge,
  quality: qualityChecks,
};

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let options: BenchOptions;
try {
  options = parseBenchOptions(argv, REPO_ROOT);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}

const startedAt = new Date();
const started = performance.now();
// The machine may be shared: its load around the run tells how noisy the figures can be.
const loadAtStart = loadavg();
// And what a page fault costs it: the floor of target 2 moves with that (see firstTouchCost).
const touchAtStart = await firstTouchCost();
log(`bench ${options.quick ? '(quick) ' : ''}sections ${options.only.join(', ')}, ${options.runs} runs each; work dir ${options.workDir}`);
const machine = await machineInfo(REPO_ROOT);
const pool = await loadImagePool(options.imagesDir, options.workDir);
log(`photo pool: ${pool.photos.length} ${pool.origin} photos from ${pool.dir}`);
// Generated photos decode faster than real ones: the image figures then flatter the service. Said loudly, in the log and above the targets.
const warnings =
  pool.origin === 'generated'
    ? [
        `no JPEGs under ${path.resolve(options.imagesDir)}, so the images are ${pool.photos.length} generated photos, which decode faster than real ones: the figures of every section that makes thumbnails or hashes are not comparable with a run on real photos (\`--images <dir>\`).`,
      ]
    : [];
for (const warning of warnings) log(`WARNING: ${warning}`);
const categories = await loadCategories(options.imagesDir);
const context = new BenchContext(options, REPO_ROOT, pool, categories, machine);
await context.init();

const sections: SectionResult[] = [];
for (const name of options.only) {
  log(`section ${name}`);
  const section = await SECTIONS[name](context);
  sections.push(section);
  for (const target of section.targets) {
    log(`target ${target.id}: ${formatWithUnit(target.measured, target.unit)} (goal ${target.goal}) ${target.pass ? 'PASS' : 'FAIL'}`);
  }
}

await writeReport(options.out, {
  startedAt,
  durationMs: performance.now() - started,
  commandLine: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  machine,
  settings: [
    ['Runs per step (alternated)', String(options.runs)],
    ['Photo pool', `${pool.photos.length} ${pool.origin} JPEGs (${pool.dir}); images are hard links to them, cycled`],
    ['Categories', categories.source === null ? 'the built-in 80 COCO 2017 categories' : `from ${path.relative(REPO_ROOT, categories.source)}`],
    ['Metadata-only ingest sizes', `${options.metadataImages.toLocaleString('en-US')} and ${options.metadataSmallImages.toLocaleString('en-US')} images`],
    ['Thumbnail runs', `${options.thumbImages.toLocaleString('en-US')} images`],
    ['Tasks per worker swept (scaling)', options.tasksPerWorker.join(', ')],
    ['Service WORKERS (unless stated)', `${options.cores} (the machine's cores)`],
    ['Load tests', `${options.connections} connections, ${options.loadSeconds} s each, ${options.warmupSeconds} s warm-up`],
    ['SSE fan-out clients', String(options.sseClients)],
    ['Cold thumbnail samples', String(options.coldSamples)],
    ['Service logging', 'default LOG_LEVEL (info), stdout drained to bench/.work/logs'],
    ['Load average (1, 5, 15 min) at start / end', `${formatLoad(loadAtStart)} / ${formatLoad(loadavg())}`],
    [
      `First write into ${FIRST_TOUCH_BYTES / 2 ** 20} MiB of new memory (page-fault cost) at start / end`,
      `${formatFirstTouch(touchAtStart)} / ${formatFirstTouch(await firstTouchCost())}`,
    ],
  ],
  warnings,
  sections,
});
log(`report written to ${options.out}`);

function formatLoad(load: number[]): string {
  return load.map((l) => l.toFixed(2)).join(', ');
}
