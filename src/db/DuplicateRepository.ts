import { AppError, notFound } from '../errors.js';
import { buildDuplicateGroups } from '../quality/buildDuplicateGroups.js';
import type { DuplicateGroup, DuplicatePair, HashedSample } from '../quality/DuplicateGroup.js';
import type { Database } from './Database.js';
import { type DuplicateScope, duplicatePairsSql } from './duplicatePairsSql.js';

/** What {@link DuplicateRepository.find} is asked. */
export interface DuplicateQuery extends DuplicateScope {
  /** Keep only the groups with a sample of this split. Default: all. */
  split?: string | undefined;
}

/** Duplicate groups, and how many of the images compared had hashes. */
export interface DuplicateAnswer {
  groups: DuplicateGroup[];
  /** Samples compared (with hashes), and samples without (never decoded: no thumbnail, or failed). */
  hashed: number;
  unhashed: number;
}

const b = (n: number): bigint => BigInt(n);

/** The duplicate and leak search over the samples' stored hashes (SQL in {@link duplicatePairsSql}). */
export class DuplicateRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * The dataset's (or the two datasets') duplicate groups, leaks first.
   * @throws AppError `NOT_FOUND` for an unknown dataset; `HASHES_MISSING` when
   * a dataset has samples but none hashed, with how to get them.
   */
  async find(q: DuplicateQuery): Promise<DuplicateAnswer> {
    let hashed = 0;
    let unhashed = 0;
    for (const id of q.againstId === undefined ? [q.datasetId] : [q.datasetId, q.againstId]) {
      const coverage = await this.coverage(id);
      if (coverage.hashed === 0 && coverage.samples > 0) {
        throw new AppError(
          'HASHES_MISSING',
          `dataset ${id}: none of its ${coverage.samples} images has hashes (it was ingested without thumbnails or with "hashes": false, so none were kept); ` +
            `POST /datasets/${id}/hashes reads them for their hashes`,
        );
      }
      hashed += coverage.hashed;
      unhashed += coverage.samples - coverage.hashed;
    }
    const pairs = (await this.#db.query(duplicatePairsSql(q))) as unknown as DuplicatePair[];
    const samples = await this.#hashedSamples(pairs);
    return { groups: buildDuplicateGroups(pairs, samples, q.split), hashed, unhashed };
  }

  /** How many samples a dataset has, and how many of them have hashes. @throws AppError `NOT_FOUND`. */
  async coverage(datasetId: number): Promise<{ samples: number; hashed: number }> {
    const [dataset] = await this.#db.query('SELECT 1 FROM datasets WHERE id = ?', [b(datasetId)]);
    if (!dataset) throw notFound('dataset', datasetId);
    const [row] = await this.#db.query('SELECT count(*) AS samples, count(phash) AS hashed FROM samples WHERE dataset_id = ?', [b(datasetId)]);
    return { samples: Number(row!.samples), hashed: Number(row!.hashed) };
  }

  async #hashedSamples(pairs: readonly DuplicatePair[]): Promise<Map<number, HashedSample>> {
    const ids = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
    if (ids.length === 0) return new Map();
    const rows = (await this.#db.query(
      `SELECT id, dataset_id, coco_id, split, file_name, content_hash, lpad(to_hex(phash), 16, '0') AS phash
       FROM samples WHERE id IN (SELECT unnest(?::BIGINT[]))`,
      [`[${ids.join(',')}]`],
    )) as unknown as HashedSample[];
    return new Map(rows.map((r) => [r.id, r]));
  }
}
