import type Router from '@koa/router';
import { checkUploadSpace } from '../../uploads/checkUploadSpace.js';
import { checkUploadHeaders, receiveUpload } from '../../uploads/receiveUpload.js';
import type { Service } from '../Service.js';
import { uploadQuery } from '../schemas.js';
import { validate } from '../validate.js';
import { answerJob } from './answerJob.js';

/** `POST /datasets/upload`: a zip of a dataset, as a form's `file` field or as the body itself. */
export function uploadRoutes(router: Router, service: Service): void {
  router.post('/datasets/upload', async (ctx) => {
    const query = validate(uploadQuery, ctx.query, 'query');
    const maxBytes = service.config.uploads.maxBytes;
    try {
      const { declared } = checkUploadHeaders(ctx.req, maxBytes);
      if (declared !== null) await checkUploadSpace(service.uploads.root, declared);
      const { job, received } = await service.intake.start(
        {
          datasetName: query.dataset_name ?? null,
          archive: query.file_name ?? 'upload.zip',
          archiveNamed: query.file_name !== undefined,
          thumbnails: query.thumbnails ?? 'all',
          onInvalid: query.on_invalid ?? 'fail',
        },
        (target, options) => receiveUpload(ctx.req, target, { maxBytes, stallMs: service.config.uploads.stallMs, ...options }),
      );
      await received;
      await answerJob(ctx, service, job, { archive: job.request.archive });
    } catch (err) {
      // The body may be unread: the connection cannot carry another request.
      ctx.set('Connection', 'close');
      throw err;
    }
  });
}
