import { hashBands } from '../quality/hashBands.js';

/** Which hashes {@link duplicatePairsSql} compares. */
export interface DuplicateScope {
  datasetId: number;
  /** Another dataset: then only pairs of one sample of each are found. Default: within `datasetId`. */
  againstId?: number | undefined;
  /** Hamming distance, inclusive, 0-63. */
  maxDistance: number;
}

/**
 * A query selecting each pair of hashed samples (`a` < `b`, or `a` of the
 * dataset and `b` of the other) whose perceptual hashes are at most
 * `maxDistance` bits apart, with `distance`, `exact` (same file bytes) and
 * `cross_split`. Multi-index hashing: the candidates are the pairs equal in at
 * least one of `maxDistance + 1` bands of the hash (a hash join per band),
 * verified with `bit_count(xor(...))`; all pairs are never compared. Exact
 * copies have the same perceptual hash, so they are found too. Against another
 * dataset every pair is a leak (`cross_split` true): the point is to find one
 * set's images in the other.
 */
export function duplicatePairsSql(scope: DuplicateScope): string {
  const against = scope.againstId !== undefined;
  const sides = against ? 'x.dataset_id = $1 AND y.dataset_id = $2' : 'x.id < y.id';
  // One hash join per band, each over the hashes alone: a band's hash table is a
  // quarter of one over every band at once, and stays within the memory limit.
  const joins = hashBands(scope.maxDistance)
    .map((band) => {
      const mask = `${((1n << BigInt(band.width)) - 1n).toString()}::UBIGINT`;
      const value = (side: string) => `((${side}.phash >> ${band.offset}) & ${mask})`;
      return `SELECT x.id AS a, y.id AS b, bit_count(xor(x.phash, y.phash)) AS distance
  FROM hashed x JOIN hashed y ON ${value('x')} = ${value('y')}
  WHERE ${sides} AND bit_count(xor(x.phash, y.phash)) <= ${Math.trunc(scope.maxDistance)}`;
    })
    .join('\n  UNION\n  ');
  const sql = `
WITH hashed AS (
  SELECT id, dataset_id, split, content_hash, phash FROM samples
  WHERE dataset_id IN ($1, $2) AND phash IS NOT NULL
),
near AS (
  ${joins}
)
SELECT n.a, n.b, n.distance, ha.content_hash = hb.content_hash AS exact,
  ${against ? 'true' : 'ha.split <> hb.split'} AS cross_split
FROM near n JOIN hashed ha ON ha.id = n.a JOIN hashed hb ON hb.id = n.b`;
  // Integers, written in: the statement has no parameters, so that it can sit inside the samples filter's.
  return sql.replaceAll('$1', BigInt(scope.datasetId).toString()).replaceAll('$2', BigInt(scope.againstId ?? scope.datasetId).toString());
}
