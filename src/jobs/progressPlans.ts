import type { Stage } from '../pipeline/progress.js';
import type { JobKind, JobSpec } from './Job.js';

/** One part of a job's work, and its share of the job's `fraction`. */
export interface PlanPart {
  /**
   * The stages that measure it. `bytes`: the parse stages, which read one file
   * between them, measured by its `bytes_read`/`bytes_total`. `count`: one
   * stage, measured by its `current`/`total` (nothing while `total` is unknown).
   */
  stages: readonly Stage[];
  measure: 'bytes' | 'count';
  /** Relative: a plan's weights need not add up to anything. */
  weight: number;
}

/**
 * How a job's work divides, for its `fraction`: its parts in the order they
 * end (a part whose successor is done counts as done, so a stage a file never
 * reached, such as a missing `annotations` array, leaves no gap), and the parts
 * repeated once per split of an upload, which share `weight` evenly.
 */
export interface ProgressPlan {
  parts: readonly PlanPart[];
  repeated?: { weight: number; parts: readonly PlanPart[] };
}

const READ_GROUND_TRUTH: PlanPart = { stages: ['categories', 'images', 'annotations'], measure: 'bytes', weight: 1 };
// Weights are rough shares of the time, from BENCHMARKS.md: parsing alone runs near 17,000 images/s,
// thumbnails near 190 images/s on 2 workers, so they take about nine tenths of an ingest that makes them;
// cutting panoptic masks decodes a PNG per image, as a thumbnail does.
const MASKS: PlanPart = { stages: ['masks'], measure: 'count', weight: 4 };
const THUMBNAILS: PlanPart = { stages: ['thumbnails'], measure: 'count', weight: 9 };

/**
 * The stage weights of each kind of job. A new kind (evaluation, hashing)
 * adds its row here and reports its stages' `current`/`total` as any stage does.
 */
export const PROGRESS_PLANS: Readonly<Record<JobKind, ProgressPlan>> = {
  ingest: { parts: [READ_GROUND_TRUTH, MASKS, THUMBNAILS] },
  predictions: { parts: [{ stages: ['results'], measure: 'bytes', weight: 1 }] },
  upload: {
    // The bytes received, the archive unpacked, then each split's ingest.
    parts: [
      { stages: ['upload'], measure: 'count', weight: 2 },
      { stages: ['unpack'], measure: 'count', weight: 1 },
    ],
    repeated: { weight: 7, parts: [READ_GROUND_TRUTH, THUMBNAILS] },
  },
};

/**
 * A job's plan: its kind's, without the parts the job will not have (no
 * thumbnails asked for; no mask folder). An upload's splits leave masks out:
 * which split is panoptic is known only once it is unpacked.
 */
export function planFor(spec: Pick<JobSpec, 'kind' | 'thumbnails' | 'maskDir'>): ProgressPlan {
  const plan = PROGRESS_PLANS[spec.kind];
  const noThumbnails = spec.thumbnails === 'none' || spec.thumbnails === 0;
  const keep = (part: PlanPart) => !(noThumbnails && part === THUMBNAILS) && !(part === MASKS && spec.maskDir === null);
  return {
    parts: plan.parts.filter(keep),
    ...(plan.repeated ? { repeated: { weight: plan.repeated.weight, parts: plan.repeated.parts.filter(keep) } } : {}),
  };
}
