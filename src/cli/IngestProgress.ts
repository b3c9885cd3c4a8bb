import cliProgress, { type Options, type Params, type SingleBar } from 'cli-progress';

// cli-progress is CommonJS: its named exports are not visible to an ES module.
const { Format, MultiBar, Presets } = cliProgress;

/** One stage's figures, as a job's `progress` event carries them. */
export interface StageUpdate {
  current: number;
  /** Null while unknown (the thumbnails' before the file's `images` array has been read). */
  total: number | null;
  done: boolean;
  /** `current`'s units per second; null until measured. */
  rate: number | null;
}

/** The whole job's figures, from the same event. */
export interface JobFigures {
  /** 0 to 1. */
  fraction: number;
  eta_seconds: number | null;
}

/** How progress is shown: bars on a terminal, a line at most every second elsewhere. */
export interface IngestProgress {
  update(stage: string, update: StageUpdate, job?: JobFigures): void;
  /** The job ended (`complete`: its bar is full). */
  stop(complete?: boolean): void;
}

/** What each bar's format reads, beside cli-progress' own tokens. */
interface BarPayload {
  stage: string;
  count: string;
  speed: string;
  /** The bar's true fraction, 0 to 1, or null while its total is unknown. */
  shown: number | null;
  done: boolean;
  /** Seconds left, or null when not known. */
  left: number | null;
}

const STAGE_WIDTH = 16;
// `{percentage}`, `{eta_formatted}` and `{bar}` are cli-progress' own, fed with the service's figures.
const KNOWN = ' {stage} |{bar}| {percentage}% | {count} | {speed} | {eta_formatted} left';
const KNOWN_NO_ETA = ' {stage} |{bar}| {percentage}% | {count} | {speed}';
const UNKNOWN = ' {stage} |{bar}| {count} so far | {speed}';
const JOB = ' {stage} |{bar}| {percentage}% | {eta_formatted} left';
const JOB_NO_ETA = ' {stage} |{bar}| {percentage}%';

/**
 * A bar's line: full only when its stage is done (a stage at its total but not
 * yet done shows 99% and one cell short), empty while its total is unknown.
 */
function formatLine(options: Options, params: Params, payload: BarPayload): string {
  const barsize = options.barsize ?? 40;
  const progress = payload.done ? 1 : payload.shown === null ? 0 : Math.min(payload.shown, 0.999);
  // cli-progress rounds a bar's cells: below full, keep one cell empty.
  const cap = payload.done ? 1 : (barsize - 1) / barsize;
  const job = payload.stage.trim() === 'job';
  const format = payload.shown === null ? UNKNOWN : payload.left === null ? (job ? JOB_NO_ETA : KNOWN_NO_ETA) : job ? JOB : KNOWN;
  return Format.Formatter(
    { ...options, format, formatBar: (p: number, o: Options) => Format.BarFormat(Math.min(p, cap), o) },
    // cli-progress' time format reads whole seconds only (0.5 would show as "50s").
    { ...params, progress, eta: Math.round(payload.left ?? 0) },
    payload,
  );
}

/** A line's text beside its bar: the stage, the percentage, the counts, the rate and the time left (about 54 characters). */
const TEXT_WIDTH = 56;
/** The widest bar, in characters (cli-progress' default). */
const MAX_BAR = 40;

/**
 * The bar's width on `stream`: 40 characters, or less on a narrow terminal so
 * that the rate and the time left still fit. cli-progress cuts each line at the
 * terminal's width (80 when it reports none), which cut the final frame's rate.
 */
function barSizeFor(stream: NodeJS.WriteStream): number {
  const columns = stream.columns || 80;
  return Math.max(10, Math.min(MAX_BAR, columns - TEXT_WIDTH));
}

/** Per-stage bars (cli-progress) on a terminal, under a bar for the whole job. */
export function terminalProgress(stream: NodeJS.WriteStream): IngestProgress {
  const bars = new MultiBar(
    { stream, format: formatLine as unknown as string, hideCursor: true, clearOnComplete: false, autopadding: true, barsize: barSizeFor(stream) },
    Presets.shades_classic,
  );
  const byStage = new Map<string, SingleBar>();
  let jobBar: SingleBar | null = null;
  let jobPayload: BarPayload | null = null;
  const draw = (name: string, payload: BarPayload) => {
    let bar = byStage.get(name);
    if (!bar) {
      bar = bars.create(1, 0, payload);
      byStage.set(name, bar);
    }
    bar.update(payload.shown ?? 0, payload);
  };
  return {
    update(stage, update, job) {
      if (job) {
        jobPayload = { stage: 'job'.padEnd(STAGE_WIDTH), count: '', speed: '', shown: job.fraction, done: false, left: job.eta_seconds };
        jobBar ??= bars.create(1, 0, jobPayload);
        jobBar.update(job.fraction, jobPayload);
      }
      draw(stage, {
        stage: stage.padEnd(STAGE_WIDTH),
        count: update.total === null ? formatCount(stage, update.current) : `${formatCount(stage, update.current)}/${formatCount(stage, update.total)}`,
        speed: update.rate === null ? '-/s' : `${formatCount(stage, update.rate)}/s`,
        shown: update.total === null ? null : update.total === 0 ? (update.done ? 1 : 0) : update.current / update.total,
        done: update.done,
        left:
          update.total === null || update.rate === null || update.rate <= 0
            ? update.done
              ? 0
              : null
            : Math.max(0, (update.total - update.current) / update.rate),
      });
    },
    stop(complete = false) {
      if (complete && jobBar && jobPayload) jobBar.update(1, { ...jobPayload, shown: 1, done: true, left: 0 });
      bars.stop();
    },
  };
}

/**
 * One line at most every `intervalMs` (default 1 s), for logs and pipes: the
 * job's percentage and time left, then each stage seen.
 */
export function lineProgress(write: (line: string) => void, intervalMs = 1000): IngestProgress {
  const latest = new Map<string, string>();
  let job: JobFigures | null = null;
  let last = -Infinity;
  return {
    update(stage, update, figures) {
      if (figures) job = figures;
      latest.set(stage, `${stage} ${formatCount(stage, update.current)}${update.total === null ? '' : `/${formatCount(stage, update.total)}`}`);
      const now = performance.now();
      if (now - last < intervalMs) return;
      last = now;
      const head =
        job === null
          ? ''
          : `${Math.floor(job.fraction * 100)}%, ${job.eta_seconds === null ? 'time left unknown' : `${formatSeconds(job.eta_seconds)} left`}: `;
      write(`${head}${[...latest.values()].join(', ')}\n`);
    },
    stop() {
      latest.clear();
    },
  };
}

/** Seconds as cli-progress writes them (`02m05s`). */
export const formatSeconds = (seconds: number): string => Format.TimeFormat(Math.round(seconds), { autopaddingChar: '0' }, 1);

/** A count as people read it: bytes of an upload in MB, anything else as a whole number. */
function formatCount(stage: string, value: number): string {
  if (stage === 'upload') return `${(value / 1024 ** 2).toFixed(1)} MB`;
  return String(Math.round(value));
}
