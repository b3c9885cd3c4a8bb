/**
 * The JSON Schemas of what the API answers, for the OpenAPI document. Request
 * schemas come from the zod schemas that validate them; these describe the
 * bodies the routes build.
 */
import { EVALUATION_SCHEMAS } from './evaluationSchemas.js';

const object = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: true });
const integer = { type: 'integer' };
const string = { type: 'string' };
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

export const RESPONSE_SCHEMAS = {
  Error: object(
    {
      error: object(
        {
          code: { type: 'string', description: 'A stable code of the error registry (INVALID_REQUEST, NOT_FOUND, ...).' },
          message: { type: 'string', description: 'What is wrong and where (file, record, field).' },
          details: { type: 'object', additionalProperties: true },
        },
        ['code', 'message'],
      ),
    },
    ['error'],
  ),
  JobAccepted: object(
    {
      job_id: string,
      dataset_id: integer,
      split: string,
      predictions: string,
      evaluation: string,
      iou_type: string,
      archive: string,
      status: string,
      status_url: string,
      events_url: string,
    },
    ['job_id', 'dataset_id', 'status'],
  ),
  Job: object(
    {
      id: string,
      kind: { type: 'string', enum: ['ingest', 'predictions', 'upload', 'evaluation', 'hash'] },
      dataset_id: integer,
      split: string,
      predictions: string,
      archive: string,
      evaluation: string,
      iou_type: string,
      upload_job_id: { type: 'string', description: "A split of an upload: the upload's job" },
      split_in_progress: { type: 'string', description: "An upload's split being ingested now" },
      status: string,
      stages: { type: 'object' },
      fraction: { type: 'number', minimum: 0, maximum: 1, description: "The whole job's, as its latest progress event said; 1 once complete" },
      eta_seconds: nullable({ type: 'number', description: 'Seconds left, as its latest progress event said; null when not known or ended' }),
      result: { type: 'object' },
      error: nullable(object({})),
    },
    ['id', 'status'],
  ),
  Jobs: object({ items: { type: 'array', items: { $ref: '#/components/schemas/Job' } } }, ['items']),
  Dataset: object(
    {
      id: integer,
      name: string,
      status: { type: 'string', enum: ['ingesting', 'ready', 'failed', 'cancelled'] },
      image_count: integer,
      annotation_count: integer,
      category_count: integer,
      split_names: { type: 'array', items: string },
      splits: { type: 'array', items: object({ name: string, job_id: string, format: string, image_count: integer, annotation_count: integer }) },
      categories: { type: 'array', items: object({ id: integer, name: string, annotation_count: integer }) },
      prediction_sets: { type: 'array', items: object({ name: string, prediction_count: integer, status: string }) },
    },
    ['id', 'name', 'status'],
  ),
  Datasets: object({ items: { type: 'array', items: { $ref: '#/components/schemas/Dataset' } } }, ['items']),
  Sample: object(
    {
      id: integer,
      dataset_id: integer,
      split: string,
      coco_id: integer,
      file_name: nullable(string),
      width: nullable(integer),
      height: nullable(integer),
      image_error: nullable(object({ code: string, message: string })),
      boxes: { type: 'array', description: 'With boxes=true: [category_id, x, y, w, h] per annotation.', items: { type: 'array', items: { type: 'number' } } },
    },
    ['id', 'coco_id'],
  ),
  SamplePage: object(
    {
      items: { type: 'array', items: { $ref: '#/components/schemas/Sample' } },
      total: { type: 'integer', description: 'On a first page, or with total=true.' },
      offset: integer,
      limit: integer,
      next_cursor: nullable(string),
    },
    ['items', 'limit', 'next_cursor'],
  ),
  Annotations: object(
    {
      items: {
        type: 'array',
        items: object({
          id: integer,
          coco_id: nullable(integer),
          category_id: nullable(integer),
          bbox: nullable({ type: 'array', items: { type: 'number' } }),
          score: { type: 'number' },
        }),
      },
    },
    ['items'],
  ),
  Stats: object(
    {
      dataset_id: integer,
      splits: {
        type: 'array',
        items: object({
          name: string,
          images: integer,
          annotations: integer,
          categories: { type: 'array' },
          annotations_per_image: { type: 'object' },
          area: { type: 'object' },
        }),
      },
    },
    ['splits'],
  ),
  ...EVALUATION_SCHEMAS,
  Duplicates: object(
    {
      dataset_id: integer,
      against: integer,
      max_distance: integer,
      hashed: integer,
      unhashed: integer,
      group_count: integer,
      leak_count: integer,
      groups: {
        type: 'array',
        description: 'Leaks (cross-split groups) first, then larger groups.',
        items: object(
          {
            kind: { type: 'string', enum: ['exact', 'near'] },
            cross_split: { type: 'boolean' },
            samples: {
              type: 'array',
              items: object({ id: integer, dataset_id: integer, coco_id: integer, split: string, file_name: nullable(string), distance: integer }),
            },
          },
          ['kind', 'cross_split', 'samples'],
        ),
      },
    },
    ['groups', 'max_distance'],
  ),
  Checks: object(
    {
      dataset_id: integer,
      checks: {
        type: 'array',
        items: object(
          {
            name: string,
            description: string,
            unit: { type: 'string', enum: ['annotations', 'images', 'categories'] },
            count: integer,
            sample_ids: { type: 'array', items: integer },
            ids: { type: 'array', items: integer },
          },
          ['name', 'count', 'sample_ids'],
        ),
      },
    },
    ['checks'],
  ),
  Health: object({ status: string, workers: integer, jobs: integer, max_upload_bytes: integer, token_required: { type: 'boolean' } }, ['status']),
} as const;
