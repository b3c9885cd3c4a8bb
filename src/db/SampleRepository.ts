import { notFound } from '../errors.js';
import { splitKind } from '../formats/formatRegistry.js';
import { allInOrder } from '../util/allInOrder.js';
import { counterTotalSql } from './counters/counterTotalSql.js';
import type { Database } from './Database.js';
import { EvaluationRepository } from './EvaluationRepository.js';
import { withOutcomes } from './evaluationOutcomes.js';
import { checkEvaluationFilter, sampleOrderSql } from './evaluationSampleOrder.js';
import { pageIdsOfSet } from './pageIdsOfSet.js';
import { type SampleFilter, sampleFilterSql } from './SampleFilter.js';
import { annotationsTable } from './tables/annotationsTable.js';
import { predictionsTable } from './tables/predictionsTable.js';
import { samplesTable } from './tables/samplesTable.js';
import { selectList } from './tables/TableMapping.js';
import type { Row } from './toPlainRows.js';

/** Options of {@link SampleRepository.annotations}. */
export interface AnnotationsOptions {
  /** A prediction set: its results instead of the ground truth. */
  predictions?: string;
  minScore?: number;
  /** An evaluation: each item gets its `eval` (outcome, IoU, matched id) at `evalIou`. */
  evaluation?: string;
  /** 0.5 (default) or 0.75. */
  evalIou?: 0.5 | 0.75;
}

/** A page of {@link SampleRepository.list}: by offset (small datasets), or after a sample id (any depth). */
export interface SampleQuery extends SampleFilter {
  offset: number;
  limit: number;
  /** Keyset pagination: the samples after this id (a cursor's content). Offset must then be 0. */
  afterId?: number | undefined;
  /** `errors`: the samples with the most errors (fp + fn at IoU 0.5) in `evaluation` first, ties by id; default by id. */
  sort?: 'id' | 'errors' | undefined;
  /** With `sort=errors`, keyset pagination: the samples after (`afterErrors`, `afterId`) in that order. */
  afterErrors?: number | undefined;
  /** Count the matching samples (`total`); default true. Counting scans every match, so a cursor walk can skip it. */
  withTotal?: boolean;
  /** Give each sample its ground-truth `boxes` (`[category_id, x, y, w, h]`), for drawing over a grid of thumbnails; default false. */
  withBoxes?: boolean;
}

/** A sample with what serving its image needs. */
export interface SampleLocation {
  id: number;
  dataset_id: number;
  job_id: string;
  /** The image's id in its file: its annotations name it by this and the job. */
  coco_id: number;
  file_name: string;
  image_dir: string | null;
  /** What its split was (`instances`, `panoptic`, ...). */
  format: string | null;
  failure_code: string | null;
  failure_message: string | null;
}

const b = (n: number): bigint => BigInt(n);

/** A page query without the fields that choose no samples: its filter. */
function filterOf(q: SampleQuery): SampleFilter {
  const {
    offset: _offset,
    limit: _limit,
    afterId: _afterId,
    sort: _sort,
    afterErrors: _afterErrors,
    withTotal: _withTotal,
    withBoxes: _withBoxes,
    ...filter
  } = q;
  return filter;
}

const SAMPLE_COLUMNS = `${selectList(samplesTable, 's', ['job_id', 'image_ref'])},
  f.code AS failure_code, f.message AS failure_message`;

/**
 * Reads of samples and annotations. Only rows of `ready` datasets and
 * `complete` jobs exist outside their ingest's transaction, so no status filter
 * is needed here beyond the dataset's existence.
 */
export class SampleRepository {
  readonly #db: Database;
  readonly #evaluations: EvaluationRepository;

  constructor(db: Database) {
    this.#db = db;
    this.#evaluations = new EvaluationRepository(db);
  }

  /**
   * A page of samples in id order, filtered; `nextAfterId` is the last id of a
   * full page (more may follow), null at the end.
   */
  async list(q: SampleQuery): Promise<{ items: Row[]; total: number | null; nextAfterId: number | null; nextErrors: number | null }> {
    // The checks at once, and a total the counters keep beside the page: each
    // await is a turn of the event loop, which a large ingest's appender flushes
    // can hold up. Errors are told in the order the steps used to run in turn.
    const [, , categoryId] = await allInOrder([
      this.#assertDataset(q.datasetId),
      checkEvaluationFilter(this.#evaluations, q),
      this.#categoryId(q.datasetId, q.category),
    ]);
    const { where, params, only } = sampleFilterSql(q, categoryId);
    const order = sampleOrderSql(q);
    const withTotal = q.withTotal !== false;
    const counted = withTotal ? counterTotalSql(filterOf(q), categoryId) : null;
    const [items, countedTotal] = await allInOrder([
      only !== null && order.select === '' && q.offset === 0
        ? pageIdsOfSet(this.#db, only, q.afterId, q.limit + 1).then((ids) => this.#byIds(q.datasetId, ids))
        : this.#db.query(
            `SELECT ${SAMPLE_COLUMNS}${order.select}
             FROM samples s LEFT JOIN image_failures f ON f.sample_id = s.id ${order.join}
             WHERE ${where}${order.after} ORDER BY ${order.orderBy} LIMIT ? OFFSET ?`,
            [...order.joinParams, ...params, ...order.afterParams, b(q.limit + 1), b(q.offset)],
          ),
      counted === null ? null : this.#db.query(counted.sql, counted.params),
    ]);
    // A total the counters do not keep is counted after the page, not beside it: each
    // builds the filter's sets, and two at once at 1M images could need more than
    // DUCKDB_MEMORY_LIMIT between them.
    const count = withTotal ? (countedTotal ?? (await this.#db.query(`SELECT count(*) AS n FROM samples s WHERE ${where}`, params))) : null;
    const more = items.length > q.limit;
    const page = more ? items.slice(0, q.limit) : items;
    const shaped = page.map((row) => (order.select === '' ? samplesTable.shape(row) : { ...samplesTable.shape(row), errors: row.errors }));
    if (q.withBoxes) await this.#addBoxes(q.datasetId, shaped);
    return {
      items: shaped,
      total: count === null ? null : Number(count[0]!.n),
      nextAfterId: more ? Number(page.at(-1)!.id) : null,
      nextErrors: more && order.select !== '' ? Number(page.at(-1)!.errors) : null,
    };
  }

  /** The samples of `ids` (ascending), in id order, as {@link list} reads them. */
  async #byIds(datasetId: number, ids: number[]): Promise<Row[]> {
    if (ids.length === 0) return [];
    // The range first, so that DuckDB reads only the row groups between the first id and the last.
    return this.#db.query(
      `SELECT ${SAMPLE_COLUMNS} FROM samples s LEFT JOIN image_failures f ON f.sample_id = s.id
       WHERE s.dataset_id = ? AND s.id BETWEEN ? AND ? AND s.id IN (${ids.map(() => '?').join(', ')}) ORDER BY s.id`,
      [b(datasetId), b(ids[0]!), b(ids.at(-1)!), ...ids.map(b)],
    );
  }

  /** Adds each sample's boxes, in one query for the page. */
  async #addBoxes(datasetId: number, samples: Row[]): Promise<void> {
    if (samples.length === 0) return;
    const ids = samples.map((sample) => b(Number(sample.id)));
    const rows = await this.#db.query(
      `SELECT s.id AS sample_id, a.category_id, a.bbox_x, a.bbox_y, a.bbox_w, a.bbox_h
       FROM annotations a JOIN samples s ON s.job_id = a.job_id AND s.coco_id = a.image_coco_id
       WHERE a.dataset_id = ? AND s.id IN (${ids.map(() => '?').join(', ')}) AND a.bbox_x IS NOT NULL
       ORDER BY a.id`,
      [b(datasetId), ...ids],
    );
    const bySample = new Map<number, unknown[]>(samples.map((sample) => [Number(sample.id), []]));
    for (const row of rows) bySample.get(Number(row.sample_id))?.push([row.category_id, row.bbox_x, row.bbox_y, row.bbox_w, row.bbox_h]);
    for (const sample of samples) sample.boxes = bySample.get(Number(sample.id)) ?? [];
  }

  /** One sample, shaped as in {@link list}. */
  async get(sampleId: number, datasetId: number | undefined): Promise<Row> {
    return samplesTable.shape(await this.#one(`SELECT ${SAMPLE_COLUMNS} FROM samples s LEFT JOIN image_failures f ON f.sample_id = s.id`, sampleId, datasetId));
  }

  /**
   * One sample's annotations with category names; with `predictions`, that
   * prediction set's results instead (with `score`), those under `minScore` left out.
   * @throws AppError 404 for an unknown sample or prediction set
   */
  async annotations(sampleId: number, datasetId: number | undefined, options: AnnotationsOptions = {}): Promise<Row[]> {
    const sample = await this.locate(sampleId, datasetId);
    if (options.evaluation !== undefined) await this.#evaluations.getReady(sample.dataset_id, options.evaluation);
    const items = await this.#annotationRows(sample, options);
    if (options.evaluation === undefined) return items;
    const of = options.predictions === undefined ? 'ground_truths' : 'predictions';
    return withOutcomes(this.#db, items, { datasetId: sample.dataset_id, evaluation: options.evaluation, of, iou: options.evalIou ?? 0.5 });
  }

  async #annotationRows(sample: SampleLocation, options: AnnotationsOptions): Promise<Row[]> {
    if (options.predictions !== undefined) return this.#predictions(sample, options.predictions, options.minScore ?? 0);
    const rows = await this.#db.query(
      `SELECT a.id, a.coco_id, a.category_id, c.name AS category_name, a.bbox_x, a.bbox_y, a.bbox_w, a.bbox_h,
              a.area, a.iscrowd, a.segmentation, a.keypoints, a.num_keypoints, a.caption, a.extra
       FROM annotations a LEFT JOIN categories c ON c.dataset_id = a.dataset_id AND c.id = a.category_id
       WHERE a.job_id = ? AND a.image_coco_id = ? ORDER BY a.id`,
      [sample.job_id, b(sample.coco_id)],
    );
    // A panoptic segment's id is its colour in the PNG: said as such, beside the id the annotation row keeps.
    const segments = splitKind(sample.format ?? '')?.segmentIds === true;
    return rows.map((row) => (segments ? { ...annotationsTable.shape(row), segment_id: row.coco_id } : annotationsTable.shape(row)));
  }

  async #predictions(sample: SampleLocation, name: string, minScore: number): Promise<Row[]> {
    const sets = await this.#db.query(`SELECT 1 FROM prediction_sets WHERE dataset_id = ? AND name = ? AND status = 'ready'`, [b(sample.dataset_id), name]);
    if (sets.length === 0) throw notFound('prediction set', name);
    const rows = await this.#db.query(
      `SELECT p.id, p.coco_id, p.category_id, c.name AS category_name, p.score, p.bbox_x, p.bbox_y, p.bbox_w, p.bbox_h,
              p.area, p.segmentation, p.keypoints, p.caption, p.extra
       FROM predictions p LEFT JOIN categories c ON c.dataset_id = p.dataset_id AND c.id = p.category_id
       WHERE p.sample_id = ? AND p.dataset_id = ? AND p.set_name = ? AND (p.score IS NULL OR p.score >= ?)
       ORDER BY p.score DESC NULLS LAST, p.id`,
      [b(sample.id), b(sample.dataset_id), name, minScore],
    );
    return rows.map(predictionsTable.shape);
  }

  /** Where a sample's image lives, and whether its ingest could read it. */
  async locate(sampleId: number, datasetId: number | undefined): Promise<SampleLocation> {
    const row = await this.#one(
      `SELECT s.id, s.dataset_id, s.job_id, s.coco_id, coalesce(s.image_ref, s.file_name) AS file_name, j.image_dir, j.result->>'format' AS format,
              f.code AS failure_code, f.message AS failure_message
       FROM samples s JOIN jobs j ON j.id = s.job_id
       LEFT JOIN image_failures f ON f.sample_id = s.id`,
      sampleId,
      datasetId,
    );
    return row as unknown as SampleLocation;
  }

  /** The row of `select` for one sample id, within a dataset when one is given; 404 otherwise. */
  async #one(select: string, sampleId: number, datasetId: number | undefined): Promise<Row> {
    const inDataset = datasetId !== undefined;
    const [row] = await this.#db.query(
      `${select} WHERE s.id = ?${inDataset ? ' AND s.dataset_id = ?' : ''}`,
      inDataset ? [b(sampleId), b(datasetId)] : [b(sampleId)],
    );
    if (!row) throw notFound('sample', sampleId);
    return row;
  }

  /** The id of a category named in a filter: null when none is, -1 when the dataset has no such category (nothing matches). */
  async #categoryId(datasetId: number, name: string | undefined): Promise<number | null> {
    if (name === undefined) return null;
    const [row] = await this.#db.query('SELECT id FROM categories WHERE dataset_id = ? AND name = ?', [b(datasetId), name]);
    return row ? Number(row.id) : -1;
  }

  async #assertDataset(id: number): Promise<void> {
    const rows = await this.#db.query('SELECT 1 FROM datasets WHERE id = ?', [b(id)]);
    if (rows.length === 0) throw notFound('dataset', id);
  }
}
