import type { OnInvalid, ThumbnailMode } from '../../pipeline/IngestRequest.js';
import { STAGES, UPLOAD_STAGES } from '../../progress/StageProgress.js';
import { ingestUpload, type UploadSummary } from '../../uploads/ingestUpload.js';
import { nameFromArchive } from '../../uploads/nameFromArchive.js';
import { withArchivePaths } from '../../uploads/withArchivePaths.js';
import { ingestSplitOfUpload, type SplitOfUploadDeps } from '../ingestSplitOfUpload.js';
import type { JobKind, JobRequestBase, JobSummaryBase } from '../JobKind.js';
import { jobFailure } from '../jobFailure.js';
import { planWithout, READ_GROUND_TRUTH, THUMBNAILS } from '../ProgressPlan.js';

/** An uploaded archive, unpacked and ingested split by split into one new dataset. */
export interface UploadJobRequest extends JobRequestBase {
  kind: 'upload';
  /** The archive's name as the client gave it (`upload.zip` until a form names it). */
  archive: string;
  /** Whether the request named the archive; if not, a form's file name names it and its dataset once it is read. */
  archiveNamed: boolean;
  /** Null: named after the archive. */
  datasetName: string | null;
  thumbnails: ThumbnailMode;
  onInvalid: OnInvalid;
}

/** What the route asks for: the dataset is made for the upload. */
export type UploadDraft = Omit<UploadJobRequest, 'kind' | 'datasetId'>;

/** An upload's summary: its archive's figures, each split's own, and the dataset's category count. */
export type UploadJobSummary = UploadSummary & JobSummaryBase & { category_count: number };

/**
 * An upload: its bytes are received by the upload intake before the job is
 * queued; then its work unpacks the archive and ingests each split, each an
 * ingest job of its own that commits. The plugins hear of the splits, not of
 * the upload: complete with the upload, or failed with it.
 */
export const uploadJob: JobKind<UploadJobRequest, UploadJobSummary, UploadDraft> = {
  name: 'upload',
  stages: [...UPLOAD_STAGES, ...STAGES],
  tellsPlugins: false,
  // The bytes received, the archive unpacked, then each split's ingest. Its splits leave masks out:
  // which split is panoptic is known only once it is unpacked.
  progressPlan: (r) =>
    planWithout(
      {
        parts: [
          { stages: ['upload'], measure: 'count', weight: 2 },
          { stages: ['unpack'], measure: 'count', weight: 1 },
        ],
        repeated: { weight: 7, parts: [READ_GROUND_TRUTH, THUMBNAILS] },
      },
      { thumbnails: r.thumbnails, maskDir: null },
    ),

  async prepare(draft, repo) {
    const datasetId = await repo.createDataset(draft.datasetName ?? nameFromArchive(draft.archive));
    return { kind: 'upload', ...draft, datasetId };
  },

  toRecord: (r) => ({
    split: 'upload',
    annotationPath: r.archive,
    imageDir: null,
    maskDir: null,
    options: { thumbnails: r.thumbnails, on_invalid: r.onInvalid, dataset_name: r.datasetName },
  }),

  fromRecord: (row) => ({
    kind: 'upload',
    datasetId: Number(row.dataset_id),
    archive: row.annotation_path,
    archiveNamed: true,
    datasetName: (row.options.dataset_name as string | null | undefined) ?? null,
    thumbnails: (row.options.thumbnails as ThumbnailMode | undefined) ?? 'all',
    onInvalid: (row.options.on_invalid as OnInvalid | undefined) ?? 'fail',
  }),

  describe: (r) => ({ archive: r.archive, annotation_path: r.archive, thumbnails: r.thumbnails, on_invalid: r.onInvalid }),

  ownsDataset: () => true,

  // Its events, figures and messages name its files as the archive does, not where this service keeps them.
  shown: (r, value, { uploads }) => (uploads ? withArchivePaths(value, uploads.folders.filesOf(r.datasetId)) : value),

  async run(job, _lifecycle, context, options) {
    const { folders, limits } = context.uploads!;
    const id = job.request.datasetId;
    const place = { archive: folders.archiveOf(id), files: folders.filesOf(id), bodyBytes: job.stages.upload?.current ?? 0 };
    const deps: SplitOfUploadDeps = {
      context,
      onStoreFailed: (err: unknown) => context.log.warn({ err }, 'could not store the final timings of a committed split'),
      shown: (value) => withArchivePaths(value, place.files),
      committed: [],
    };
    let summary: UploadSummary;
    try {
      summary = await ingestUpload(place, limits, (split, o) => ingestSplitOfUpload(job, split, deps, o), options);
    } catch (err) {
      // The upload takes its committed splits back: for the plugins they failed.
      const { failure } = jobFailure(err, options.signal);
      for (const { lifecycle } of deps.committed)
        await lifecycle.hooks.failed({ code: failure.code, message: `rolled back with its upload: ${failure.message}` });
      throw err;
    }
    for (const { lifecycle, summary: split } of deps.committed) await lifecycle.hooks.complete(split);
    const dataset = await context.repo.getDataset(id);
    return { dataset_id: id, job_id: job.id, ...summary, category_count: Number(dataset.category_count) };
  },

  summarise: (s) => ({
    current: s.image_count,
    total: s.image_count,
    images: s.image_count,
    annotations: s.annotation_count,
    message:
      `ingested ${s.image_count} images, ${s.annotation_count} annotations and ${s.category_count} categories ` +
      `from a ${s.layout} archive (splits ${s.splits.map((split) => split.split).join(', ')}) in ${(s.duration_ms / 1000).toFixed(1)} s`,
  }),

  async settleFailure(r, _jobId, status, failure, { repo, services, uploads, log }) {
    // Its committed splits are taken back, and its files and thumbnails go: the dataset is left empty.
    await repo.discardUpload(r.datasetId, status, failure.message);
    try {
      await uploads?.folders.remove(r.datasetId);
      await services.store.removeDataset(r.datasetId);
    } catch (err) {
      log.error({ err, datasetId: r.datasetId }, 'could not remove the files of a failed upload');
    }
  },
};
