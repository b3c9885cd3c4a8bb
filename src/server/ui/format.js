// How the browser view writes times and rates.

/** Seconds as people read them: `42 s`, `3 min 5 s`, `1 h 20 min`. */
export function formatSeconds(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A stage's rate in its own units a second: bytes as MB, anything else as a count. */
export function formatRate(stage, rate) {
  if (stage === 'upload') return `${(rate / 1048576).toFixed(1)} MB/s`;
  return `${rate >= 10 ? Math.round(rate).toLocaleString() : rate.toFixed(1)}/s`;
}

/** A fraction as a whole percentage, rounded down: 100% only when it is 1. */
export const percent = (fraction) => `${Math.floor(fraction * 100)}%`;

/** An evaluation's number to 3 decimals; -1 (pycocotools' "undefined": no ground truth) as a dash. */
export const formatMetric = (value) => (typeof value !== 'number' || value < 0 ? '—' : value.toFixed(3));
