import path from 'node:path';
import type Router from '@koa/router';
import { datasetStats } from '../../db/datasetStats.js';
import { conflict } from '../../errors.js';
import { ingestJob } from '../../jobs/kinds/ingestJob.js';
import { type PredictionsJobRequest, predictionsJob } from '../../jobs/kinds/predictionsJob.js';
import { withArchivePaths } from '../../uploads/withArchivePaths.js';
import type { Service } from '../Service.js';
import { ingestBody, predictionSetParam, predictionsBody } from '../schemas.js';
import { idParam, validate } from '../validate.js';
import { answerJob } from './answerJob.js';

/**
 * `POST /datasets/ingest`, `GET /datasets`, `GET /datasets/{id}`, `DELETE /datasets/{id}`,
 * `POST /datasets/{id}/predictions`, `DELETE /datasets/{id}/predictions/{name}`.
 */
export function datasetRoutes(router: Router, service: Service): void {
  router.post('/datasets/ingest', async (ctx) => {
    const body = validate(ingestBody, ctx.request.body, 'request body');
    const annotationPath = await service.storage.resolve('annotation_path', body.annotation_path, 'file');
    const imageDir = body.image_dir === undefined ? null : await service.storage.resolve('image_dir', body.image_dir, 'directory');
    const maskDir =
      body.mask_dir === undefined ? await defaultMaskDir(service, annotationPath) : await service.storage.resolve('mask_dir', body.mask_dir, 'directory');
    const job = await service.jobs.submit(ingestJob, {
      annotationPath,
      imageDir,
      maskDir,
      datasetId: body.dataset_id,
      datasetName: body.dataset_name ?? (body.dataset_id === undefined ? defaultName(annotationPath) : null),
      split: body.split ?? defaultSplit(annotationPath),
      thumbnails: body.thumbnails ?? 'all',
      onInvalid: body.on_invalid ?? 'fail',
      hashes: body.hashes ?? true,
    });
    await answerJob(ctx, service, job, { split: job.request.split });
  });

  router.post('/datasets/:id/predictions', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    const body = validate(predictionsBody, ctx.request.body, 'request body');
    await service.datasets.assertDatasetExists(id);
    const annotationPath = await service.storage.resolve('annotation_path', body.annotation_path, 'file');
    const job = await service.jobs.submit(predictionsJob, { annotationPath, datasetId: id, name: body.name, onInvalid: body.on_invalid ?? 'fail' });
    await answerJob(ctx, service, job, { predictions: body.name });
  });

  router.delete('/datasets/:id/predictions/:name', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    const name = validate(predictionSetParam, ctx.params.name, 'prediction set');
    const loading = service.jobs.activeFor(id).filter((j) => j.spec.kind === predictionsJob.name && (j.request as PredictionsJobRequest).name === name);
    const evaluating = new Set(await service.datasets.evaluations.runningOf(id, name));
    for (const job of [...loading, ...service.jobs.activeFor(id).filter((j) => evaluating.has(j.id))]) {
      await service.jobs.cancel(job.id, `cancelled: prediction set ${name} is being deleted`).catch(() => undefined);
    }
    await service.datasets.deletePredictionSet(id, name);
    ctx.status = 204;
  });

  router.get('/datasets', async (ctx) => {
    ctx.body = { items: await service.datasets.listDatasets() };
  });

  router.get('/datasets/:id', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    // An upload's splits name their files as its archive does.
    ctx.body = withArchivePaths(await service.datasets.getDataset(id), service.uploads.filesOf(id));
  });

  router.get('/datasets/:id/stats', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    ctx.body = await datasetStats(service.db, id);
  });

  router.delete('/datasets/:id', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    await service.datasets.assertDatasetExists(id);
    for (const job of service.jobs.activeFor(id)) {
      await service.jobs.cancel(job.id, `cancelled: dataset ${id} is being deleted`).catch(() => undefined);
    }
    if (service.jobs.activeFor(id).length > 0) throw conflict(`dataset ${id} has an ingest that could not be stopped`);
    await service.datasets.deleteDataset(id);
    service.thumbnailCache.deleteDataset(id);
    await service.thumbnails.removeDataset(id);
    await service.uploads.remove(id);
    ctx.status = 204;
  });
}

/** `instances_val2017.json` -> `val2017`: COCO names its files `<kind>_<split>.json`. */
function defaultSplit(annotationPath: string): string {
  const base = path.posix.basename(annotationPath).replace(/\.json$/i, '');
  const match = /_([A-Za-z0-9][A-Za-z0-9.-]{0,63})$/.exec(base);
  return match ? match[1]! : 'default';
}

/** The dataset's name when the request gives none: the annotation file's folder's parent, e.g. `coco-sample`. */
function defaultName(annotationPath: string): string {
  const { basename, dirname } = path.posix;
  const dir = dirname(annotationPath);
  const parent = basename(dir) === 'annotations' ? basename(dirname(dir)) : basename(dir);
  return parent || basename(annotationPath);
}

/**
 * A panoptic file's PNG folder when the request names none: the folder beside
 * the file named after its stem, as COCO ships it (`panoptic_val2017/` beside
 * `panoptic_val2017.json`), for a file whose name says panoptic. Only those: a
 * mask folder makes the writer keep every image's size while it reads, which
 * another kind of file beside a folder of its name must not pay for.
 */
function defaultMaskDir(service: Service, annotationPath: string): Promise<string | null> {
  const stem = path.posix.basename(annotationPath).replace(/\.json$/i, '');
  if (!/panoptic/i.test(stem)) return Promise.resolve(null);
  return service.storage.besideFile(annotationPath, stem);
}
