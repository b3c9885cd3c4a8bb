import type { Database } from './Database.js';

/** A sample whose image the hash job reads: where its image is. */
export interface UnhashedSample {
  id: number;
  /** Its job's image folder (null: images by URL). */
  image_dir: string | null;
  /** `image_ref` or `file_name`: where the image is under the folder, or its URL. */
  location: string;
}

/** The reads of the hash job: which images of a dataset still have no hashes. */
export class HashRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** How many of a dataset's samples have no hashes. */
  async countUnhashed(datasetId: number): Promise<number> {
    const [row] = await this.#db.query('SELECT count(*) AS n FROM samples WHERE dataset_id = ? AND phash IS NULL', [BigInt(datasetId)]);
    return Number(row!.n);
  }

  /** The next `limit` samples without hashes after sample `afterId`, in id order (keyset pages: memory does not grow with the dataset). */
  async unhashedAfter(datasetId: number, afterId: number, limit: number): Promise<UnhashedSample[]> {
    const rows = await this.#db.query(
      `SELECT s.id, j.image_dir, coalesce(s.image_ref, s.file_name) AS location
       FROM samples s JOIN jobs j ON j.id = s.job_id
       WHERE s.dataset_id = ? AND s.phash IS NULL AND s.id > ? AND coalesce(s.image_ref, s.file_name) IS NOT NULL
       ORDER BY s.id LIMIT ${Math.trunc(limit)}`,
      [BigInt(datasetId), BigInt(afterId)],
    );
    return rows as unknown as UnhashedSample[];
  }
}
