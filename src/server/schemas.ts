import { z } from 'zod';
import { QUALITY_CHECKS } from '../db/qualityChecks.js';
import { evaluationNameQuery, evaluationSampleQuery } from './evaluationSampleQuery.js';
import { idParam, intQuery, optionalInt } from './validate.js';

/** `true`/`false` (or `1`/`0`) in a query string. */
const booleanQuery = z.enum(['true', 'false', '1', '0'], 'must be true or false').transform((v) => v === 'true' || v === '1');

const name = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Body of `POST /datasets/ingest`. Unknown fields are refused, so typos do not pass silently. */
export const ingestBody = z
  .object({
    annotation_path: name(4096),
    /** Absent: each image is fetched by its `coco_url`. */
    image_dir: name(4096).optional(),
    /** A panoptic file's PNG folder; default the folder beside the file named after its stem. */
    mask_dir: name(4096).optional(),
    dataset_name: name(200).optional(),
    split: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, _ . - (e.g. "train")')
      .optional(),
    dataset_id: z.number().int().positive().optional(),
    thumbnails: z
      .union([z.enum(['all', 'none']), z.number().int().min(0).max(100_000_000)], {
        error: 'must be "all", "none" or a whole number of images',
      })
      .optional(),
    on_invalid: z.enum(['fail', 'skip'], { error: 'must be "fail" or "skip"' }).optional(),
    /** Default true: each thumbnailed image's content hash and perceptual hash are kept (what `/duplicates` needs). */
    hashes: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict();

/** Query of `POST /datasets/upload` (its body is the archive). */
export const uploadQuery = z
  .object({
    /** Default: the archive's name without `.zip`. */
    dataset_name: name(200).optional(),
    /** The archive's name, for a body sent as application/zip; a form's file name otherwise. */
    file_name: name(255).optional(),
    thumbnails: z
      .union([z.enum(['all', 'none']), z.coerce.number().int().min(0).max(100_000_000)], {
        error: 'must be "all", "none" or a whole number of images',
      })
      .optional(),
    on_invalid: z.enum(['fail', 'skip'], { error: 'must be "fail" or "skip"' }).optional(),
  })
  .strict();

/** Body of `POST /datasets/{id}/predictions`. */
export const predictionsBody = z
  .object({
    annotation_path: name(4096),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, _ . - (e.g. "yolo-v9")'),
    on_invalid: z.enum(['fail', 'skip'], { error: 'must be "fail" or "skip"' }).optional(),
  })
  .strict();

/** A prediction set's name in a path. */
export const predictionSetParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be a prediction set name');

/** Query of `GET /samples`. */
export const samplesQuery = z
  .object({
    dataset_id: idParam,
    category: name(200).optional(),
    split: name(64).optional(),
    offset: intQuery(0, 1_000_000_000, 0),
    limit: intQuery(1, 200, 50),
    cursor: z.string().max(64, 'must be a cursor from next_cursor').optional(),
    total: booleanQuery.optional(),
    boxes: booleanQuery.optional(),
    min_annotations: optionalInt(0, 1_000_000),
    max_annotations: optionalInt(0, 1_000_000),
    iscrowd: booleanQuery.optional(),
    area: z.enum(['small', 'medium', 'large']).optional(),
    has_image_error: booleanQuery.optional(),
    predictions: predictionSetParam.optional(),
    min_score: z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
    ...evaluationSampleQuery,
    duplicates: z.enum(['any', 'cross_split']).optional(),
    check: z.enum(QUALITY_CHECKS.map((c) => c.name) as [string, ...string[]]).optional(),
  })
  .strict()
  .refine((q) => q.cursor === undefined || q.offset === 0, {
    message: 'cursor and offset do not go together: a cursor already says where the page starts',
    path: ['cursor'],
  })
  .refine((q) => q.min_score === undefined || q.predictions !== undefined || q.confusion !== undefined, {
    message: 'min_score needs predictions=<set> or confusion=',
    path: ['min_score'],
  })
  .refine((q) => q.min_annotations === undefined || q.max_annotations === undefined || q.min_annotations <= q.max_annotations, {
    message: 'must not be above max_annotations',
    path: ['min_annotations'],
  });

/** Query of `GET /samples/{id}` and `GET /samples/{id}/annotations`. */
export const sampleRefQuery = z.object({ dataset_id: idParam.optional() }).strict();

/** Query of `GET /samples/{id}/annotations`: the ground truth, or a prediction set's results above a score. */
export const annotationsQuery = z
  .object({
    dataset_id: idParam.optional(),
    predictions: predictionSetParam.optional(),
    min_score: z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
    evaluation: evaluationNameQuery.optional(),
    eval_iou: z.enum(['0.5', '0.75'], { error: 'must be 0.5 or 0.75' }).optional(),
  })
  .strict();

/** Query of `GET /images/{dataset_id}/{sample_id}`. */
export const imageQuery = z.object({ size: z.enum(['small', 'medium', 'large', 'original']).optional().default('medium') }).strict();

/** Query of `GET /jobs`. */
export const jobsQuery = z.object({ limit: intQuery(1, 500, 100) }).strict();

/** A job id path parameter. */
export const jobIdParam = z.string().uuid('must be a job id (a UUID)');

/** `GET /datasets/{id}/export`: COCO JSON (a split, a category subset, or a prediction set) or one table as Parquet. */
export const exportQuery = z
  .object({
    format: z
      .enum(['coco', 'parquet'])
      .optional()
      .transform((f) => f ?? 'coco'),
    split: z.string().min(1).max(200).optional(),
    category: z.string().min(1).max(200).optional(),
    predictions: predictionSetParam.optional(),
    table: z.enum(['samples', 'annotations', 'categories', 'predictions']).optional(),
  })
  .strict()
  .refine((q) => (q.format === 'parquet') === (q.table !== undefined), { message: 'table is needed with format=parquet, and only with it', path: ['table'] })
  .refine((q) => q.predictions === undefined || (q.format === 'coco' && q.split === undefined && q.category === undefined), {
    message: 'predictions exports a prediction set as a COCO results file, without split or category',
    path: ['predictions'],
  });
