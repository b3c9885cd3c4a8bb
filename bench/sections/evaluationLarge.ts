import path from 'node:path';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { jobOverHttp } from '../evaluation/evaluateOverHttp.js';
import { generateEvaluationFiles } from '../evaluation/generateEvaluationFiles.js';
import { generateLargeEvaluationFiles } from '../evaluation/generateLargeEvaluationFiles.js';
import { log } from '../log.js';
import type { SectionResult } from '../reportModel.js';
import { checkTarget, TARGETS } from '../targets.js';
import { withService } from '../withService.js';

const MB = 1e6;

/** One round: each evaluation's wall time, the large one's sampled peak RSS, the round's VmHWM. */
interface LargeRound {
  baseMs: number;
  largeMs: number;
  largeRssBytes: number;
  peakRssBytes: number;
}

/**
 * Targets 13d-13e: a bbox evaluation of `evaluationLargeImages` images (1M:
 * 7.5M annotations, ~8M predictions) on a fresh service, after the
 * val2017-sized bbox evaluation of the `evaluation` section's input in the
 * same round. Both inputs are loaded first (not timed); each evaluation is
 * timed from its POST to its `complete` event. Its peak RSS is the largest
 * VmRSS sampled (every 100 ms) during the large evaluation: the round's VmHWM
 * also holds the loading of 8M predictions, reported beside it.
 */
export async function evaluationLarge(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const base = await generateEvaluationFiles(path.join(context.inputsDir, `evaluation-${options.evaluationImages}`), options.evaluationImages);
  log(`evaluation-large: generating ${options.evaluationLargeImages.toLocaleString('en-US')} images (kept between runs)`);
  const large = await generateLargeEvaluationFiles(
    path.join(context.inputsDir, `evaluation-large-${options.evaluationLargeImages}`),
    options.evaluationLargeImages,
    context.pool.photos,
  );
  const round = (n: number) =>
    withService(context, `evaluation-large-run${n}`, options.cores, async (s): Promise<LargeRound> => {
      const load = async (label: string, instances: string, results: string, dir: string) => {
        const ingest = await jobOverHttp(`${s.url}/datasets/ingest`, {
          annotation_path: instances,
          image_dir: dir,
          dataset_name: label,
          thumbnails: 'none',
          split: 'val',
        });
        const dataset = Number(ingest.complete.dataset_id);
        const loaded = await jobOverHttp(`${s.url}/datasets/${dataset}/predictions`, { annotation_path: results, name: 'bbox', on_invalid: 'skip' });
        log(`evaluation-large-run${n} ${label}: loaded in ${((ingest.wallMs + loaded.wallMs) / 1000).toFixed(1)} s`);
        return dataset;
      };
      const baseDataset = await load('base', base.instances, base.results.bbox, base.dir);
      const largeDataset = await load('large', large.instances, large.results, large.dir);
      const evaluate = (dataset: number) => jobOverHttp(`${s.url}/datasets/${dataset}/evaluations`, { predictions: 'bbox', iou_type: 'bbox' });
      const baseJob = await evaluate(baseDataset);
      s.rss.reset();
      const largeJob = await evaluate(largeDataset);
      const largeRssBytes = s.rss.samples.maxBytes;
      const result = { baseMs: baseJob.wallMs, largeMs: largeJob.wallMs, largeRssBytes, peakRssBytes: await s.peakRss() };
      log(
        `evaluation-large-run${n}: base ${(result.baseMs / 1000).toFixed(2)} s, large ${(result.largeMs / 1000).toFixed(1)} s ` +
          `(${JSON.stringify(largeJob.complete.timings_ms)}), RSS during it ${(largeRssBytes / MB).toFixed(0)} MB, VmHWM ${(result.peakRssBytes / MB).toFixed(0)} MB`,
      );
      return result;
    });
  const { rounds } = await alternate(options.runs, { rounds: round });
  // Images per ms of the large evaluation over those of the val2017-sized one.
  const rate = rounds.map((r) => large.counts.images / r.largeMs / (options.evaluationImages / r.baseMs));
  const n = (v: number) => v.toLocaleString('en-US');
  return {
    title: `Evaluation at scale: bbox evaluation of ${n(large.counts.images)} images`,
    method:
      `Generated input (\`bench/evaluation/generateLargeEvaluationFiles.ts\`, seeded): ${n(large.counts.images)} images, ${n(large.counts.annotations)} annotations ` +
      `(\`bench/generateCoco.ts\`), ${n(large.counts.predictions)} bbox results derived from them (jittered boxes, some of another class, false positives). ` +
      `Fresh service per round (\`WORKERS=${options.cores}\`): the val2017-sized input of the evaluation section and this one loaded (not timed), ` +
      'then the bbox evaluation of each timed from its POST to its `complete` event. RSS sampled every 100 ms during the large evaluation; ' +
      "the round's VmHWM also holds the loading.",
    figures: [
      { label: `bbox evaluation of ${n(options.evaluationImages)} images`, unit: 's', values: rounds.map((r) => r.baseMs / 1000) },
      { label: `bbox evaluation of ${n(large.counts.images)} images`, unit: 's', values: rounds.map((r) => r.largeMs / 1000) },
      { label: 'server RSS during the large evaluation (sampled max)', unit: 'MB', values: rounds.map((r) => r.largeRssBytes / MB) },
      { label: 'server peak RSS over the round, loading included (VmHWM)', unit: 'MB', values: rounds.map((r) => r.peakRssBytes / MB) },
    ],
    targets: [
      checkTarget(
        TARGETS.evaluationLargeRss,
        rounds.map((r) => r.largeRssBytes / MB),
        'largest VmRSS sampled during the large evaluation',
      ),
      checkTarget(
        TARGETS.evaluationLargeRate,
        rate,
        `(${n(large.counts.images)} images / large time) ÷ (${n(options.evaluationImages)} images / base time), per round`,
      ),
    ],
    tables: [],
  };
}
