import type { z } from 'zod';
import { duplicatesQuery } from '../qualitySchemas.js';
import { annotationsQuery, exportQuery, imageQuery, ingestBody, jobsQuery, predictionsBody, sampleRefQuery, samplesQuery, uploadQuery } from '../schemas.js';
import { EVALUATION_OPERATIONS } from './evaluationOperations.js';
import type { RESPONSE_SCHEMAS } from './responseSchemas.js';

/** One operation of the API, as the OpenAPI document describes it. */
export interface Operation {
  method: 'get' | 'post' | 'delete';
  /** The router's pattern (`/datasets/:id`). */
  path: string;
  summary: string;
  tag: 'datasets' | 'samples' | 'images' | 'jobs' | 'service' | 'browser';
  /** The zod schema the route validates its query with. */
  query?: z.ZodType;
  /** The zod schema the route validates its JSON body with. */
  body?: z.ZodType;
  /** The body is a zip archive (a form's `file` field, or the body itself) rather than JSON. */
  archiveBody?: true;
  /** The success status and what it carries: a schema name, or a media type with a description. */
  success: { status: number; schema?: keyof typeof RESPONSE_SCHEMAS; media?: string; description: string };
}

const json = (status: number, schema: keyof typeof RESPONSE_SCHEMAS, description: string) => ({ status, schema, description });
const file = (status: number, media: string, description: string) => ({ status, media, description });

/** Every route the router has, in one table: the document is built from it, and a test holds it to the router. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/datasets/ingest',
    tag: 'datasets',
    summary: 'Ingest a COCO file (202 with a job; with Accept: text/event-stream, its event stream)',
    body: ingestBody,
    success: json(202, 'JobAccepted', 'The job, queued or running'),
  },
  {
    method: 'post',
    path: '/datasets/upload',
    tag: 'datasets',
    summary:
      'Upload a zip of a dataset (COCO, Roboflow or CVAT layout) and ingest every split in it, as one job (202 once the archive is received; with Accept: text/event-stream, its event stream)',
    query: uploadQuery,
    archiveBody: true,
    success: json(202, 'JobAccepted', 'The job, queued: unpacking and ingest follow'),
  },
  { method: 'get', path: '/datasets', tag: 'datasets', summary: 'All datasets with their counts', success: json(200, 'Datasets', 'The datasets') },
  {
    method: 'get',
    path: '/datasets/:id',
    tag: 'datasets',
    summary: 'One dataset: splits, categories, prediction sets, plugin data',
    success: json(200, 'Dataset', 'The dataset'),
  },
  {
    method: 'get',
    path: '/datasets/:id/stats',
    tag: 'datasets',
    summary: 'Per-split statistics: categories, annotations per image, area classes',
    success: json(200, 'Stats', 'The statistics'),
  },
  {
    method: 'get',
    path: '/datasets/:id/export',
    tag: 'datasets',
    summary: 'The dataset, a split or a category subset as COCO JSON; a prediction set as a results file; a table as Parquet',
    query: exportQuery,
    success: file(200, 'application/json', 'The file, streamed (application/vnd.apache.parquet with format=parquet)'),
  },
  {
    method: 'delete',
    path: '/datasets/:id',
    tag: 'datasets',
    summary: 'Delete a dataset, its rows and thumbnails',
    success: { status: 204, description: 'Deleted' },
  },
  {
    method: 'post',
    path: '/datasets/:id/predictions',
    tag: 'datasets',
    summary: 'Load a COCO results file as a named prediction set',
    body: predictionsBody,
    success: json(202, 'JobAccepted', 'The job'),
  },
  {
    method: 'delete',
    path: '/datasets/:id/predictions/:name',
    tag: 'datasets',
    summary: 'Delete a prediction set',
    success: { status: 204, description: 'Deleted' },
  },
  ...EVALUATION_OPERATIONS,
  {
    method: 'get',
    path: '/datasets/:id/duplicates',
    tag: 'datasets',
    summary: 'Duplicate groups by image hashes: exact and near copies, leaks (across splits, or against another dataset) first',
    query: duplicatesQuery,
    success: json(200, 'Duplicates', 'The groups (409 HASHES_MISSING for a dataset never decoded)'),
  },
  {
    method: 'post',
    path: '/datasets/:id/hashes',
    tag: 'datasets',
    summary: 'Read the images of a dataset that have no hashes (ingested without thumbnails) for their hashes only',
    success: json(202, 'JobAccepted', 'The job'),
  },
  {
    method: 'get',
    path: '/datasets/:id/checks',
    tag: 'datasets',
    summary: 'Annotation checks: each with its count and a few sample ids',
    success: json(200, 'Checks', 'The checks'),
  },
  {
    method: 'get',
    path: '/samples',
    tag: 'samples',
    summary: 'A page of samples, by cursor or offset, filtered',
    query: samplesQuery,
    success: json(200, 'SamplePage', 'The page'),
  },
  { method: 'get', path: '/samples/:id', tag: 'samples', summary: 'One sample', query: sampleRefQuery, success: json(200, 'Sample', 'The sample') },
  {
    method: 'get',
    path: '/samples/:id/annotations',
    tag: 'samples',
    summary: "A sample's annotations, or a prediction set's results above a score",
    query: annotationsQuery,
    success: json(200, 'Annotations', 'The annotations'),
  },
  {
    method: 'get',
    path: '/images/:datasetId/:sampleId',
    tag: 'images',
    summary: "A sample's thumbnail (WebP) or original, with Range and ETag",
    query: imageQuery,
    success: file(200, 'image/webp', 'The image'),
  },
  { method: 'get', path: '/jobs', tag: 'jobs', summary: 'Recent jobs', query: jobsQuery, success: json(200, 'Jobs', 'The jobs') },
  { method: 'get', path: '/jobs/:id', tag: 'jobs', summary: 'One job with its stages', success: json(200, 'Job', 'The job') },
  {
    method: 'get',
    path: '/jobs/:id/events',
    tag: 'jobs',
    summary: "A job's progress as Server-Sent Events (Last-Event-ID resumes)",
    success: file(
      200,
      'text/event-stream',
      "progress (each with the job's fraction, eta_seconds and the stage's rate), warning, then complete, failed or cancelled",
    ),
  },
  { method: 'delete', path: '/jobs/:id', tag: 'jobs', summary: 'Cancel a job', success: json(200, 'Job', 'The job, ended cancelled') },
  { method: 'get', path: '/healthz', tag: 'service', summary: 'The database answers; the pool and jobs', success: json(200, 'Health', 'Healthy') },
  { method: 'get', path: '/metrics', tag: 'service', summary: 'Prometheus metrics in the text format', success: file(200, 'text/plain', 'The metrics') },
  { method: 'get', path: '/openapi.json', tag: 'service', summary: 'This document', success: file(200, 'application/json', 'OpenAPI 3.1') },
  {
    method: 'get',
    path: '/docs',
    tag: 'browser',
    summary: 'This document, rendered (Swagger UI, served by the service)',
    success: file(200, 'text/html', 'The page'),
  },
  {
    method: 'get',
    path: '/docs/:asset',
    tag: 'browser',
    summary: "The API reference page's scripts and styles",
    success: file(200, 'text/javascript', 'The file'),
  },
  {
    method: 'get',
    path: '/docs/guide/:page',
    tag: 'browser',
    summary: 'A page of the guide (api.md, errors.md, configuration.md, ...), as Markdown, from a fixed list',
    success: file(200, 'text/markdown', 'The page'),
  },
  { method: 'get', path: '/', tag: 'browser', summary: 'The browser view', success: file(200, 'text/html', 'The page') },
  {
    method: 'get',
    path: '/favicon.ico',
    tag: 'browser',
    summary: 'The icon of the browser view and the API reference (SVG)',
    success: file(200, 'image/svg+xml', 'The icon'),
  },
  {
    method: 'get',
    path: '/ui/:file',
    tag: 'browser',
    summary: "The browser view's modules and styles (app.js, app.css, ...), from a fixed list",
    success: file(200, 'text/javascript', 'The file (text/css for app.css)'),
  },
];
