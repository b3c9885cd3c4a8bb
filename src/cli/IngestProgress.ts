import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/** How progress is shown: bars on a terminal, a line at most every second elsewhere. */
export interface IngestProgress {
  update(stage: string, current: number, total: number | null): void;
  stop(): void;
}

/** Per-stage bars (cli-progress) on a terminal. */
export function terminalProgress(stream: NodeJS.WriteStream): IngestProgress {
  const bars = new MultiBar(
    { stream, format: ' {stage} |{bar}| {value}/{total}', hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    Presets.shades_classic,
  );
  const byStage = new Map<string, SingleBar>();
  return {
    update(stage, current, total) {
      let bar = byStage.get(stage);
      if (!bar) {
        bar = bars.create(total ?? Math.max(current, 1), current, { stage: stage.padEnd(11) });
        byStage.set(stage, bar);
      }
      if (total !== null) bar.setTotal(total);
      else if (current > bar.getTotal()) bar.setTotal(current);
      bar.update(current);
    },
    stop: () => bars.stop(),
  };
}

/** One line at most every `intervalMs` (default 1 s), for logs and pipes. */
export function lineProgress(write: (line: string) => void, intervalMs = 1000): IngestProgress {
  const latest = new Map<string, string>();
  let last = 0;
  return {
    update(stage, current, total) {
      latest.set(stage, `${stage} ${current}${total === null ? '' : `/${total}`}`);
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      write(`${[...latest.values()].join(', ')}\n`);
    },
    stop() {
      latest.clear();
    },
  };
}
