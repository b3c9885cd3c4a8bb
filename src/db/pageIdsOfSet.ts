import type { Database } from './Database.js';
import type { IdSet } from './SampleFilter.js';

/**
 * The first `count` distinct sample ids of `set` after `afterId`, in order:
 * the ids of a filtered page, read from the counter table alone, in rounds of
 * `count` times the set's most rows of a sample (so that one round finds them
 * all) until `count` distinct ids are found or the set ends.
 *
 * Why not `samples s WHERE s.id IN (set) ORDER BY s.id LIMIT n`, the general
 * page query: DuckDB builds a hash table of every id in the set for that
 * (a category's 100,000 samples at 1M images), and a service just restarted
 * faults in its memory page by page, 60-100 ms for the first such page. Read
 * in id order with a limit, the set needs a heap of a round's ids.
 * @throws TypeError for a set with no bound on a sample's rows, whose rounds could each scan it whole
 */
export async function pageIdsOfSet(db: Database, set: IdSet, afterId: number | undefined, count: number): Promise<number[]> {
  const ids: number[] = [];
  if (set.rowsPerSample === null) throw new TypeError('pageIdsOfSet takes a set with a bound on the rows of a sample');
  if (count <= 0) return ids;
  const round = count * set.rowsPerSample;
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
