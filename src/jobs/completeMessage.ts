/** The `complete` event's counts and sentence. */
export function completeMessage(summary: Record<string, unknown>): { current: number; total: number; message: string } {
  const seconds = (Number(summary.duration_ms) / 1000).toFixed(1);
  if (Array.isArray(summary.splits)) {
    const images = Number(summary.image_count);
    const splits = (summary.splits as { split: string }[]).map((s) => s.split).join(', ');
    return {
      current: images,
      total: images,
      message:
        `ingested ${images} images, ${String(summary.annotation_count)} annotations and ${String(summary.category_count)} categories ` +
        `from a ${String(summary.layout)} archive (splits ${splits}) in ${seconds} s`,
    };
  }
  if (summary.format === 'results') {
    const n = Number(summary.prediction_count);
    return { current: n, total: n, message: `loaded ${n} predictions as "${String(summary.name)}" in ${seconds} s` };
  }
  const images = Number(summary.image_count);
  return {
    current: images,
    total: images,
    message:
      `ingested ${images} images, ${String(summary.annotation_count)} annotations and ` +
      `${String(summary.category_count)} categories in ${seconds} s`,
  };
}
