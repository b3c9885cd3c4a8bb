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
  const sql = pairsSql({
    hashedWhere: 'dataset_id IN ($1, $2)',
    sides: against ? 'x.dataset_id = $1 AND y.dataset_id = $2' : 'x.id < y.id',
    crossSplit: against ? 'true' : 'ha.split <> hb.split',
    maxDistance: scope.maxDistance,
  });
  // Integers, written in: the statement has no parameters, so that it can sit inside the samples filter's.
  return sql.replaceAll('$1', BigInt(scope.datasetId).toString()).replaceAll('$2', BigInt(scope.againstId ?? scope.datasetId).toString());
}

/**
 * The pairs within each dataset whose id meets `datasetIs` (a condition
 * written after a dataset id column), as {@link duplicatePairsSql} finds them
 * for one, with `dataset_id`: what `duplicate_members` is made from.
 */
export function datasetPairsSql(datasetIs: string, maxDistance: number): string {
  return pairsSql({
    hashedWhere: `dataset_id ${datasetIs}`,
    sides: 'x.dataset_id = y.dataset_id AND x.id < y.id',
    crossSplit: 'ha.split <> hb.split',
    maxDistance,
    withDataset: true,
  });
}

function pairsSql(p: { hashedWhere: string; sides: string; crossSplit: string; maxDistance: number; withDataset?: boolean }): string {
  // One hash join per band, each over the hashes alone: a band's hash table is a
  // quarter of one over every band at once, and stays within the memory limit.
  const joins = hashBands(p.maxDistance)
    .map((band) => {
      const mask = `${((1n << BigInt(band.width)) - 1n).toString()}::UBIGINT`;
      const value = (side: string) => `((${side}.phash >> ${band.offset}) & ${mask})`;
      return `SELECT x.id AS a, y.id AS b, bit_count(xor(x.phash, y.phash)) AS distance
  FROM hashed x JOIN hashed y ON ${value('x')} = ${value('y')}
  WHERE ${p.sides} AND bit_count(xor(x.phash, y.phash)) <= ${Math.trunc(p.maxDistance)}`;
    })
    .join('\n  UNION\n  ');
  return `
WITH hashed AS (
  SELECT id, dataset_id, split, content_hash, phash FROM samples
  WHERE ${p.hashedWhere} AND phash IS NOT NULL
),
near AS (
  ${joins}
)
SELECT ${p.withDataset ? 'ha.dataset_id, ' : ''}n.a, n.b, n.distance, ha.content_hash = hb.content_hash AS exact,
  ${p.crossSplit} AS cross_split
FROM near n JOIN hashed ha ON ha.id = n.a JOIN hashed hb ON hb.id = n.b`;
}
