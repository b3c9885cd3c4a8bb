import path from 'node:path';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { jobOverHttp } from '../evaluation/evaluateOverHttp.js';
import { type EvaluationFiles, generateEvaluationFiles } from '../evaluation/generateEvaluationFiles.js';
import { type PycocotoolsRun, pycocotoolsDir, runPycocotools } from '../evaluation/runPycocotools.js';
import { log } from '../log.js';
import { procCpuSeconds } from '../procCpuSeconds.js';
import type { SectionResult } from '../reportModel.js';
import { checkTarget, TARGETS } from '../targets.js';
import { withService } from '../withService.js';

const IOU_TYPES = ['bbox', 'segm', 'keypoints'] as const;
/** The warm-up the section's services run with (the service's default is none: it costs an idle service about 170 MB). */
const EVALUATION_WARM_UP_IMAGES = 2000;
type IouType = (typeof IOU_TYPES)[number];

/** The ground truth each IoU type is scored against: keypoints only on the persons' file, as COCO ships it. */
const groundTruthOf = (files: EvaluationFiles, iouType: IouType) => (iouType === 'keypoints' ? files.personKeypoints : files.instances);

/** The service's CPU seconds so far: its main thread's (the evaluation's bottleneck: reading, writing), the whole process's. */
async function cpuSeconds(pid: number): Promise<[number, number]> {
  return [(await procCpuSeconds(pid, pid)) ?? 0, (await procCpuSeconds(pid)) ?? 0];
}

/**
 * Targets 13a-13c: the whole evaluation job (POST to `complete`) on a
 * val2017-sized input, for bbox, segm and keypoints, against pycocotools'
 * `evaluate()` + `accumulate()` on the same files in the same run, alternated
 * round by round. The ratio is taken per round, then its median. The summaries
 * are compared too: the largest difference from pycocotools' is reported.
 */
export async function evaluationSpeed(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const files = await generateEvaluationFiles(path.join(context.inputsDir, `evaluation-${options.evaluationImages}`), options.evaluationImages);
  const pycocotools = await pycocotoolsDir(options.pycocotools);
  const service = (round: number) =>
    withService(
      context,
      `evaluation-run${round}`,
      options.cores,
      async (s) => {
        const datasets: Record<string, number> = {};
        for (const [label, gt] of [
          ['instances', files.instances],
          ['keypoints', files.personKeypoints],
        ] as const) {
          const ingest = await jobOverHttp(`${s.url}/datasets/ingest`, {
            annotation_path: gt,
            image_dir: files.dir,
            dataset_name: label,
            thumbnails: 'none',
            split: 'val',
          });
          datasets[label] = Number(ingest.complete.dataset_id);
        }
        const timings = {} as Record<IouType, { ms: number; stats: number[] }>;
        for (const iouType of IOU_TYPES) {
          const dataset = datasets[iouType === 'keypoints' ? 'keypoints' : 'instances']!;
          await jobOverHttp(`${s.url}/datasets/${dataset}/predictions`, { annotation_path: files.results[iouType], name: iouType, on_invalid: 'skip' });
          const cpuBefore = await cpuSeconds(s.pid);
          const job = await jobOverHttp(`${s.url}/datasets/${dataset}/evaluations`, { predictions: iouType, iou_type: iouType });
          const cpu = (await cpuSeconds(s.pid)).map((v, i) => (v - cpuBefore[i]!).toFixed(2));
          timings[iouType] = { ms: job.wallMs, stats: job.complete.summary as number[] };
          log(
            `evaluation-run${round} ${iouType}: ${(job.wallMs / 1000).toFixed(2)} s, AP ${(job.complete.summary as number[])[0]}, ${JSON.stringify(job.complete.timings_ms)}, CPU s main thread ${cpu[0]} / process ${cpu[1]}`,
          );
        }
        // Each job once more on the same service, its code now compiled: what a service that has evaluated before gives.
        const again = {} as Record<IouType, number>;
        for (const iouType of IOU_TYPES) {
          const dataset = datasets[iouType === 'keypoints' ? 'keypoints' : 'instances']!;
          const job = await jobOverHttp(`${s.url}/datasets/${dataset}/evaluations`, { predictions: iouType, iou_type: iouType, name: `${iouType}-again` });
          again[iouType] = job.wallMs;
          log(`evaluation-run${round} ${iouType} again: ${(job.wallMs / 1000).toFixed(2)} s, ${JSON.stringify(job.complete.timings_ms)}`);
        }
        return { ...timings, again, peakRssBytes: await s.peakRss() };
      },
      { env: { EVALUATION_WARM_UP_IMAGES: String(EVALUATION_WARM_UP_IMAGES) } },
    );
  const baseline = async (round: number) => {
    if (pycocotools === null) return null;
    const runs = {} as Record<IouType, PycocotoolsRun>;
    for (const iouType of IOU_TYPES) {
      runs[iouType] = await runPycocotools(pycocotools, groundTruthOf(files, iouType), files.results[iouType], iouType);
      log(`pycocotools-run${round} ${iouType}: evaluate+accumulate ${(runs[iouType].ms / 1000).toFixed(2)} s`);
    }
    return runs;
  };
  const { service: ours, pycocotools: theirs } = await alternate(options.runs, { service, pycocotools: baseline });
  const measured = theirs.every((r) => r !== null);
  // Every round's ratio: a target passes only when each round meets it.
  const ratio = (iouType: IouType) => ours.map((o, i) => theirs[i]![iouType].ms / o[iouType].ms);
  const largestDifference = measured
    ? Math.max(...IOU_TYPES.flatMap((t) => ours.flatMap((o, i) => o[t].stats.map((v, k) => Math.abs(v - theirs[i]![t].stats[k]!)))))
    : null;
  const input =
    `${files.images.toLocaleString('en-US')} images, ${files.counts.annotations.toLocaleString('en-US')} annotations (${files.counts.crowd} crowd regions as RLE, the rest polygons), ` +
    `${files.counts.predictions.toLocaleString('en-US')} predictions (boxes; the same as compressed-RLE masks), ${files.counts.keypointResults.toLocaleString('en-US')} person keypoint results`;
  return {
    title: `Evaluation: COCO evaluation of ${files.images.toLocaleString('en-US')} images against pycocotools`,
    method:
      `Generated val2017-sized input (${input}; \`bench/evaluation/generateEvaluationFiles.ts\`, seeded). Fresh service per round (\`WORKERS=${options.cores}\`): ` +
      'the ground truth and each results file loaded (not timed), then each evaluation timed from its POST to its `complete` event, ' +
      'bbox, segm, keypoints; the targets are these first jobs of the process, on files it has not read before (its services run with `EVALUATION_WARM_UP_IMAGES=2000`, off by default: they compile the evaluation code when they start, on synthetic images, and the bench starts their work once that has ended). ' +
      'Then each job once more under another name on the same service (information: a service that has evaluated before). ' +
      (measured
        ? `Baseline: pycocotools (${pycocotools}) \`evaluate()\` + \`accumulate()\` on the same files with /usr/bin/python3, alternated with the service round by round; ` +
          `each ratio is the median of the per-round ratios. Largest difference between the service's summary numbers and pycocotools': ${largestDifference!.toExponential(2)}.`
        : 'Baseline not measured: no pycocotools build was given (`--pycocotools <cocoapi/PythonAPI>` or `PYCOCOTOOLS_DIR`).'),
    figures: [
      ...IOU_TYPES.map((t) => ({ label: `${t}: service job, POST to complete`, unit: 's' as const, values: ours.map((o) => o[t].ms / 1000) })),
      ...IOU_TYPES.map((t) => ({ label: `${t}: the same job again on the same service`, unit: 's' as const, values: ours.map((o) => o.again[t] / 1000) })),
      ...(measured
        ? IOU_TYPES.map((t) => ({ label: `${t}: pycocotools evaluate()+accumulate()`, unit: 's' as const, values: theirs.map((r) => r![t].ms / 1000) }))
        : []),
      ...(measured
        ? IOU_TYPES.map((t) => ({
            label: `${t}: pycocotools time ÷ the job again (information)`,
            unit: 'x' as const,
            values: ours.map((o, i) => theirs[i]![t].ms / o.again[t]),
          }))
        : []),
      { label: 'server peak RSS over the round (VmHWM)', unit: 'MB', values: ours.map((o) => o.peakRssBytes / 1e6) },
    ],
    targets: measured
      ? [
          checkTarget(TARGETS.evaluationBbox, ratio('bbox'), 'pycocotools time ÷ service job time, per round'),
          checkTarget(TARGETS.evaluationSegm, ratio('segm'), 'pycocotools time ÷ service job time, per round'),
          checkTarget(TARGETS.evaluationKeypoints, ratio('keypoints'), 'pycocotools time ÷ service job time, per round'),
        ]
      : [],
    tables: [],
  };
}
