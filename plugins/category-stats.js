// Example plugin: per-category statistics, stored with the dataset and shown by
// `GET /datasets/{id}` under `plugins["category-stats"]`.
//
// For each category: annotations, crowd annotations, images containing it, and
// COCO's object-size buckets (small < 32², medium < 96², large, by `area`), per
// split and over all splits. It counts from the batches the ingest hands it, so it
// costs one pass over data the service is reading anyway; the images per category,
// a distinct count that would need a set of (category, image) pairs held through the
// whole ingest, are asked of DuckDB once the rows are committed.

/** @typedef {import('../src/plugins/IngestPlugin.js').IngestPlugin} IngestPlugin */

const SMALL = 32 * 32;
const MEDIUM = 96 * 96;

/** State per running ingest, keyed by job id (several jobs may run at once). */
const running = new Map();

function emptyStats() {
  return { annotations: 0, crowd: 0, images: 0, small: 0, medium: 0, large: 0, area_sum: 0 };
}

/** @type {IngestPlugin} */
export const plugin = {
  name: 'category-stats',

  onIngestStart(ctx) {
    running.set(ctx.jobId, { stats: new Map() });
  },

  onSamplesIngested(batch, ctx) {
    const state = running.get(ctx.jobId);
    if (!state) return;
    for (const a of batch.annotations) {
      if (a.category_id === null) continue;
      let s = state.stats.get(a.category_id);
      if (!s) {
        s = emptyStats();
        state.stats.set(a.category_id, s);
      }
      s.annotations++;
      if (a.iscrowd) s.crowd++;
      const area = a.area ?? (a.bbox ? a.bbox[2] * a.bbox[3] : null);
      if (area !== null) {
        s.area_sum += area;
        if (area < SMALL) s.small++;
        else if (area < MEDIUM) s.medium++;
        else s.large++;
      }
    }
  },

  async onIngestComplete(_summary, ctx) {
    const state = running.get(ctx.jobId);
    running.delete(ctx.jobId);
    if (!state) return;
    const images = new Map();
    const rows = await ctx.query(
      'SELECT category_id, count(DISTINCT image_coco_id) AS images FROM annotations WHERE job_id = ? AND category_id IS NOT NULL GROUP BY category_id',
      [ctx.jobId],
    );
    for (const row of rows) images.set(Number(row.category_id), Number(row.images));
    const split = {};
    for (const [id, s] of state.stats) {
      s.images = images.get(id) ?? 0;
      split[id] = { name: ctx.categories.get(id) ?? null, ...s };
    }
    const stored = (await ctx.load()) ?? { splits: {} };
    stored.splits[ctx.split] = split;
    stored.categories = mergeSplits(stored.splits);
    await ctx.store(stored);
    ctx.log.info({ categories: Object.keys(split).length, split: ctx.split }, 'category statistics stored');
  },

  onIngestFailed(_error, ctx) {
    running.delete(ctx.jobId);
  },
};

/** Sums the splits into one row per category, with the mean area. */
function mergeSplits(splits) {
  const total = {};
  for (const split of Object.values(splits)) {
    for (const [id, s] of Object.entries(split)) {
      total[id] ??= { name: s.name, ...emptyStats() };
      const t = total[id];
      t.name ??= s.name;
      for (const key of ['annotations', 'crowd', 'images', 'small', 'medium', 'large', 'area_sum']) t[key] += s[key];
    }
  }
  for (const t of Object.values(total)) {
    t.mean_area = t.annotations > 0 ? Math.round((t.area_sum / t.annotations) * 100) / 100 : null;
    delete t.area_sum;
  }
  return total;
}

export default plugin;
