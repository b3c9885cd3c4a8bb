import path from 'node:path';
import { DUPLICATE_DEFAULTS } from '../../src/quality/duplicateDefaults.js';
import type { BenchContext } from '../BenchContext.js';
import { measureChecks } from '../quality/measureChecks.js';
import { measureDuplicateSearch } from '../quality/measureDuplicateSearch.js';
import { measureEditDistances } from '../quality/measureEditDistances.js';
import { measureHashCost } from '../quality/measureHashCost.js';
import type { SectionResult } from '../reportModel.js';
import { checkTarget, TARGETS } from '../targets.js';

/** The service's DuckDB memory limit (DUCKDB_MEMORY_LIMIT's default): the searches run within it. */
const MEMORY_LIMIT = '128MB';

/**
 * Duplicates and checks: what hashing costs the thumbnail function, the
 * distances of edited copies on the pool's photos (which the default
 * `max_distance` is chosen by), the duplicate search at 1M hashes, and the
 * checks on a generated dataset.
 */
export async function qualityChecks(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const photos = context.pool.photos.slice(0, options.quick ? 20 : 160);
  const cost = await measureHashCost(photos, path.join(context.outputsDir, 'hash-cost'), options.quick ? 2 : Math.max(4, options.runs));
  // The function alone, one thread: a stricter view than target Q1's (measured on the whole stage, in the thumbnail section).
  const functionCost = cost.hashed.map((rate, i) => (1 - rate / cost.plain[i]!) * 100);
  const { edits, distinct } = await measureEditDistances(photos);
  const searchImages = options.quick ? 100_000 : 1_000_000;
  const search = await measureDuplicateSearch(path.join(context.outputsDir, 'duplicates.duckdb'), searchImages, DUPLICATE_DEFAULTS.maxDistance, MEMORY_LIMIT);
  const checkImages = options.quick ? 100_000 : 1_000_000;
  const checks = await measureChecks(path.join(context.outputsDir, 'checks.duckdb'), checkImages, MEMORY_LIMIT);
  const sec = (ms: number) => (ms / 1000).toFixed(3);
  const hits = (counts: Record<string, number>) =>
    Object.values(counts)
      .reduce((a, b) => a + b, 0)
      .toLocaleString('en-US');
  const histogram = (values: number[]) => {
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([d, n]) => `${d}: ${n}`)
      .join(', ');
  };
  const within = (values: number[]) => values.filter((v) => v <= DUPLICATE_DEFAULTS.maxDistance).length;
  return {
    title: `Duplicates and checks (${photos.length} photos; ${searchImages.toLocaleString('en-US')} hashes; ${checkImages.toLocaleString('en-US')} images of checks)`,
    method:
      `Hash cost (information; target Q1 is measured on the whole thumbnail stage in the thumbnail section): the service's thumbnail function (one 256 px WebP) over the same ${photos.length} photos, in one thread, with and without ` +
      `hashes, alternating round by round. Distances: each photo's pHash against its edited copies' (made with sharp) and every two distinct ` +
      `photos'. Search: \`DuplicateRepository.find\` at max_distance ${DUPLICATE_DEFAULTS.maxDistance} over random 64-bit hashes in a DuckDB file ` +
      `(memory limit ${MEMORY_LIMIT}), one leak planted per 1,000 images; then \`duplicate_members\` filled (what a commit storing hashes adds) ` +
      `and \`GET /samples?duplicates=\`'s first page and total. Checks: a generated split of 7.5 polygon annotations an image, about 1% of them ` +
      `failing a check, same memory limit: the \`check_hits\` fill timed alone (the statement a commit of the split adds), then ` +
      `\`CheckRepository.run\` and a \`check=\` page with its total.`,
    figures: [
      { label: 'thumbnails without hashes', unit: 'images/s', values: cost.plain },
      { label: 'thumbnails with hashes', unit: 'images/s', values: cost.hashed },
      { label: "hashing's cost to the function alone, per round (target Q1 is the stage's: see the thumbnail section)", unit: '%', values: functionCost },
    ],
    targets: [
      checkTarget(
        TARGETS.duplicateSearch,
        search.ms / 1000,
        `${searchImages.toLocaleString('en-US')} hashes, ${search.leaks} of ${search.planted} planted leaks found`,
      ),
      checkTarget(
        TARGETS.qualityChecks,
        checks.checksMs / 1000,
        `${checkImages.toLocaleString('en-US')} images, ${checks.annotations.toLocaleString('en-US')} annotations`,
      ),
    ],
    tables: [
      {
        title: 'Hamming distances of edited copies and of distinct photos',
        header: ['pair', `found at ${DUPLICATE_DEFAULTS.maxDistance}`, 'distances (distance: count)'],
        rows: [
          ...Object.entries(edits).map(([name, values]) => [name, `${within(values)} of ${values.length}`, histogram(values)]),
          ['distinct photos', `${within(distinct)} of ${distinct.length}`, `${histogram(distinct.filter((d) => d <= 24))} (up to 24 shown)`],
        ],
      },
      {
        title: 'Kept at commit, and read from what is kept',
        header: ['step', 'time (s)', 'rows'],
        rows: [
          [
            `check_hits fill, ${checkImages.toLocaleString('en-US')}-image split (commit cost)`,
            sec(checks.fillMs),
            `${hits(checks.counts)} problems found by all checks`,
          ],
          ['GET /datasets/{id}/checks (CheckRepository.run)', sec(checks.checksMs), ''],
          ['GET /samples?check=box_outside_image, first page and total', sec(checks.filterMs), ''],
          [`duplicate_members fill, ${searchImages.toLocaleString('en-US')} hashes (commit cost)`, sec(search.keepMs), ''],
          ['GET /samples?duplicates=any, first page and total', sec(search.anyMs), `total ${search.anyTotal}`],
          ['GET /samples?duplicates=cross_split, first page and total', sec(search.crossMs), `total ${search.crossTotal}`],
        ],
      },
    ],
  };
}
