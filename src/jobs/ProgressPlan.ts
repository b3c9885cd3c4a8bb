import type { Stage } from '../progress/StageProgress.js';

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

/** Reading a ground-truth file: its parse stages, by bytes. */
export const READ_GROUND_TRUTH: PlanPart = { stages: ['categories', 'images', 'annotations'], measure: 'bytes', weight: 1 };
// Weights are rough shares of the time, from BENCHMARKS.md: parsing alone runs near 17,000 images/s,
// thumbnails near 190 images/s on 2 workers, so they take about nine tenths of an ingest that makes them;
// cutting panoptic masks decodes a PNG per image, as a thumbnail does.
/** Cutting a panoptic file's masks. */
export const MASKS: PlanPart = { stages: ['masks'], measure: 'count', weight: 4 };
/** Making the thumbnails. */
export const THUMBNAILS: PlanPart = { stages: ['thumbnails'], measure: 'count', weight: 9 };

/**
 * A kind's plan without the parts a job will not have (no thumbnails asked
 * for; no mask folder). Each kind of job gives its plan (`JobKind.progressPlan`)
 * and reports its stages' `current`/`total` as any stage does.
 */
export function planWithout(plan: ProgressPlan, job: { thumbnails: 'all' | 'none' | number; maskDir: string | null }): ProgressPlan {
  const noThumbnails = job.thumbnails === 'none' || job.thumbnails === 0;
  const keep = (part: PlanPart) => !(noThumbnails && part === THUMBNAILS) && !(part === MASKS && job.maskDir === null);
  return {
    parts: plan.parts.filter(keep),
    ...(plan.repeated ? { repeated: { weight: plan.repeated.weight, parts: plan.repeated.parts.filter(keep) } } : {}),
  };
}
