import type { Database } from './Database.js';
import type { IdSet } from './SampleFilter.js';

/** Rows read per round, per id wanted: a sample has a few rows of a category in `sample_categories` (one per `iscrowd` and area class). */
const ROWS_PER_ID = 4;

/**
 * The first `count` distinct sample ids of `set` after `afterId`, in order:
 * the ids of a filtered page, read from the counter table alone, a round of
 * `count × 4` rows at a time until `count` distinct ids are found or the set
 * ends.
 *
 * Why not `samples s WHERE s.id IN (set) ORDER BY s.id LIMIT n`, the general
 * page query: DuckDB builds a hash table of every id in the set for that
 * (a category's 100,000 samples at 1M images), and a service just restarted
 * faults in its memory page by page, 60-100 ms for the first such page. Read
 * in id order with a limit, the set needs a heap of `count × 4` ids.
 */
export async function pageIdsOfSet(db: Database, set: IdSet, afterId: number | undefined, count: number): Promise<number[]> {
  const ids: number[] = [];
  if (count <= 0) return ids;
  const round = count * ROWS_PER_ID;
  let after = afterId;
  for (;;) {
    const rows = await db.query(
      `SELECT sample_id FROM (${set.select}) WHERE sample_id IS NOT NULL${after === undefined ? '' : ' AND sample_id > ?'} ORDER BY sample_id LIMIT ?`,
      [...set.params, ...(after === undefined ? [] : [BigInt(after)]), BigInt(round)],
    );
    for (const row of rows) {
      const id = Number(row.sample_id);
      if (ids.at(-1) === id) continue;
      ids.push(id);
      if (ids.length === count) return ids;
    }
    // A short round is the set's end; a full one goes on after its last id, whose sample is already counted.
    if (rows.length < round) return ids;
    after = ids.at(-1);
  }
}
