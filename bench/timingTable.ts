import type { CompleteEvent } from './CompleteEvent.js';
import { formatValue } from './formatValue.js';
import type { ReportTable } from './reportModel.js';
import { summarize } from './stats.js';

/**
 * "Where the time goes": every numeric field of the runs' `timings_ms` (nested
 * objects flattened to dotted names), whatever phases the service reports, with
 * median, min and max over the runs and the median's share of the median
 * `duration_ms`. Phases may overlap (thumbnails run during the parse), so the
 * shares need not add up to 100%.
 */
export function timingTable(title: string, runs: readonly CompleteEvent[]): ReportTable {
  const byPhase = new Map<string, number[]>();
  for (const run of runs) {
    for (const [phase, ms] of flatten(run.timings_ms, '')) {
      if (!byPhase.has(phase)) byPhase.set(phase, []);
      byPhase.get(phase)!.push(ms);
    }
  }
  const durations = summarize(runs.map((run) => run.duration_ms));
  const duration = durations.median;
  const rows = [...byPhase].map(([phase, values]) => {
    const s = summarize(values);
    const share = duration > 0 ? formatValue((s.median / duration) * 100, '%') : 'n/a';
    return [
      phase,
      formatValue(s.median, 'ms'),
      formatValue(s.min, 'ms'),
      formatValue(s.max, 'ms'),
      `${share}%`,
      values.map((v) => formatValue(v, 'ms')).join(', '),
    ];
  });
  rows.push([
    'duration_ms (whole job)',
    formatValue(duration, 'ms'),
    formatValue(durations.min, 'ms'),
    formatValue(durations.max, 'ms'),
    '100.0%',
    durations.values.map((v) => formatValue(v, 'ms')).join(', '),
  ]);
  return {
    title,
    header: ['Phase (timings_ms)', 'Median ms', 'Min', 'Max', 'Share of duration', 'Runs'],
    rows,
    note: 'Phases as the service reports them in the `complete` event; they may overlap (thumbnails are made during the parse), so shares need not add up to 100%.',
  };
}

function flatten(value: unknown, prefix: string): [string, number][] {
  if (typeof value === 'number') return [[prefix, value]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => flatten(inner, prefix === '' ? key : `${prefix}.${key}`));
}
