import type { ProgressFigures, Stage, StageProgress } from '../progress/StageProgress.js';
import type { PlanPart, ProgressPlan } from './ProgressPlan.js';
import { WindowRate } from './WindowRate.js';

/** Options of {@link JobProgress}. */
export interface JobProgressOptions {
  /** The clock, in ms; default `performance.now`. */
  now?: () => number;
  /** Window of a stage's `rate`, in ms; default 10000 (see `WindowRate`). */
  rateWindowMs?: number;
  /** Window of the job's pace behind `eta_seconds`, in ms; default 20000: longer than a stage's, so the time left does not jump. */
  etaWindowMs?: number;
  /** Least ms of measured pace before `eta_seconds` is given; default 1000. */
  minEtaSpanMs?: number;
}

/** Defaults of {@link JobProgressOptions}. */
export const JOB_PROGRESS_DEFAULTS = { rateWindowMs: 10_000, etaWindowMs: 20_000, minEtaSpanMs: 1000 } as const;

/** The highest `fraction` before the job has ended: the commit, and the terminal event, are still to come. */
export const FRACTION_BEFORE_END = 0.999;

/** What is known of one stage. */
interface StageFigures {
  current: number;
  total: number | null;
  done: boolean;
  /** `bytes_read / bytes_total`, the highest seen; null while `bytes_total` is unknown. */
  bytes: number | null;
  rate: WindowRate;
}

/**
 * Estimates how far a job is from its stages' updates, following its
 * {@link ProgressPlan}: the job's `fraction` (each part's own fraction times its
 * weight; never decreasing; below 1 until the end), `eta_seconds` (the time
 * left at the pace of the job's fraction over a sliding window; null while a
 * part's size is unknown, as the thumbnails' are until the file's `images`
 * array has been read) and each stage's `rate`. It sees every update
 * ({@link track}) and computes the figures of those that go out ({@link figures}).
 */
export class JobProgress {
  readonly #plan: ProgressPlan;
  readonly #now: () => number;
  readonly #rateWindowMs: number;
  readonly #minEtaSpanMs: number;
  /** The job's own stages (an upload's `upload` and `unpack`), and those of the split being ingested. */
  readonly #own = new Map<Stage, StageFigures>();
  #split = new Map<Stage, StageFigures>();
  #splitName: string | undefined;
  #splitIndex = 0;
  #splitCount: number | null = null;
  /** When the stages running now started: the job's first update, a part of its own ending, a split starting. */
  #segmentStart: number | null = null;
  readonly #pace: WindowRate;
  /** Whether every part's size was known at the last figures: the pace counts from when it became so. */
  #wasKnown = false;
  #fraction = 0;
  #eta: number | null = null;

  constructor(plan: ProgressPlan, options: JobProgressOptions = {}) {
    this.#plan = plan;
    this.#now = options.now ?? (() => performance.now());
    this.#rateWindowMs = options.rateWindowMs ?? JOB_PROGRESS_DEFAULTS.rateWindowMs;
    this.#minEtaSpanMs = options.minEtaSpanMs ?? JOB_PROGRESS_DEFAULTS.minEtaSpanMs;
    this.#pace = new WindowRate({ windowMs: options.etaWindowMs ?? JOB_PROGRESS_DEFAULTS.etaWindowMs, minSpanMs: this.#minEtaSpanMs });
  }

  /** The latest `fraction` given out. */
  get fraction(): number {
    return this.#fraction;
  }

  /** The latest `eta_seconds` given out. */
  get etaSeconds(): number | null {
    return this.#eta;
  }

  /** The figures while the job waits in the queue: its fraction so far, and no pace to tell. */
  waiting(): ProgressFigures {
    return { fraction: round(this.#fraction, 4), eta_seconds: null, rate: null };
  }

  /** Records an update of a stage (every one, before throttling). */
  track(progress: StageProgress): void {
    const now = this.#now();
    this.#segmentStart ??= now;
    if (progress.split !== this.#splitName) {
      this.#splitName = progress.split;
      this.#split = new Map();
      this.#segmentStart = now;
    }
    if (progress.split_index !== undefined) this.#splitIndex = progress.split_index;
    if (progress.split_count !== undefined) this.#splitCount = progress.split_count;
    const stages = progress.split === undefined ? this.#own : this.#split;
    let stage = stages.get(progress.stage);
    if (!stage) {
      stage = { current: 0, total: null, done: false, bytes: null, rate: new WindowRate({ windowMs: this.#rateWindowMs }) };
      // A stage starts with the others running now: its rate counts from there.
      stage.rate.sample(0, this.#segmentStart);
      stages.set(progress.stage, stage);
    }
    stage.current = progress.current;
    stage.total = progress.total;
    if (progress.bytes_total !== undefined) {
      const bytes = progress.bytes_total === null || progress.bytes_total === 0 ? null : Math.min(1, (progress.bytes_read ?? 0) / progress.bytes_total);
      stage.bytes = bytes === null ? null : Math.max(stage.bytes ?? 0, bytes);
    }
    if (progress.done && !stage.done) {
      stage.done = true;
      // The upload's bytes, then its unpacking: what comes next starts now.
      if (progress.split === undefined && this.#plan.repeated) this.#segmentStart = now;
    }
    stage.rate.sample(progress.current, now);
  }

  /** The figures of an update about to go out: the job's fraction and time left now, and the stage's rate. */
  figures(progress: StageProgress): ProgressFigures {
    const now = this.#now();
    const { fraction, known } = this.#estimate();
    this.#fraction = Math.max(this.#fraction, Math.min(fraction, FRACTION_BEFORE_END));
    // The pace counts from when every part's size is known: the jump a newly known total makes is not speed.
    if (known && !this.#wasKnown) this.#pace.reset();
    this.#wasKnown = known;
    this.#pace.sample(this.#fraction, now);
    const pace = this.#pace.perSecond;
    this.#eta = known && pace !== null && pace > 0 ? round((1 - this.#fraction) / pace) : null;
    const stage = (progress.split === undefined ? this.#own : this.#split).get(progress.stage);
    const rate = stage?.rate.perSecond ?? null;
    return { fraction: round(this.#fraction, 4), eta_seconds: this.#eta, rate: rate === null ? null : round(rate) };
  }

  /** The job's fraction from what is known now, and whether every part's size is known. */
  #estimate(): { fraction: number; known: boolean } {
    const own = partsFraction(this.#plan.parts, this.#own);
    let weighted = own.weighted;
    let weights = own.weights;
    let known = own.known;
    const repeated = this.#plan.repeated;
    if (repeated) {
      weights += repeated.weight;
      if (this.#splitCount === null) known = false;
      else if (this.#splitCount > 0) {
        const split = partsFraction(repeated.parts, this.#split);
        const splits = (this.#splitIndex + (split.weights === 0 ? 0 : split.weighted / split.weights)) / this.#splitCount;
        weighted += repeated.weight * Math.min(1, splits);
        known &&= split.known;
      } else {
        weighted += repeated.weight;
      }
    }
    return { fraction: weights === 0 ? 0 : weighted / weights, known };
  }
}

/**
 * The weighted sum of `parts`' fractions, their total weight, and whether each
 * one's size is known. A part counts as done once a later one is: a file
 * without an `annotations` array never reports that stage done.
 */
function partsFraction(parts: readonly PlanPart[], stages: Map<Stage, StageFigures>): { weighted: number; weights: number; known: boolean } {
  let weighted = 0;
  let weights = 0;
  let known = true;
  let laterDone = false;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    const own = partOf(part, stages);
    const done: boolean = laterDone || own.done;
    weighted += part.weight * (done ? 1 : own.fraction);
    weights += part.weight;
    if (!done && !own.known) known = false;
    laterDone = done;
  }
  return { weighted, weights, known };
}

/** One part's fraction: by bytes of the file read, or by `current` of `total`. */
function partOf(part: PlanPart, stages: Map<Stage, StageFigures>): { fraction: number; done: boolean; known: boolean } {
  const seen = part.stages.map((s) => stages.get(s));
  if (part.measure === 'bytes') {
    const done = seen.every((s) => s?.done === true);
    const bytes = seen.map((s) => s?.bytes ?? null).filter((b): b is number => b !== null);
    return { fraction: bytes.length === 0 ? 0 : Math.max(...bytes), done, known: bytes.length > 0 };
  }
  const stage = seen[0];
  if (!stage) return { fraction: 0, done: false, known: false };
  if (stage.done) return { fraction: 1, done: true, known: true };
  if (stage.total === null) return { fraction: 0, done: false, known: false };
  return { fraction: stage.total === 0 ? 0 : Math.min(1, stage.current / stage.total), done: false, known: true };
}

/** Rounds to `digits` decimals: JSON figures people read, not float noise. */
const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
