import { conflict } from '../../errors.js';
import type { IngestSummary, OnInvalid, ThumbnailMode } from '../../pipeline/IngestRequest.js';
import { ingestDataset } from '../../pipeline/ingestDataset.js';
import { STAGES } from '../../progress/StageProgress.js';
import type { JobKind, JobRequestBase } from '../JobKind.js';
import { MASKS, planWithout, READ_GROUND_TRUTH, THUMBNAILS } from '../ProgressPlan.js';

/** An ingest of a ground-truth file as a split of a dataset. */
export interface IngestJobRequest extends JobRequestBase {
  kind: 'ingest';
  split: string;
  /** The annotation file, checked against the ingest roots. */
  annotationPath: string;
  /** Null: images fetched by their `coco_url`. */
  imageDir: string | null;
  /** A panoptic file's PNG folder, when given or found beside the file; null otherwise. */
  maskDir: string | null;
  thumbnails: ThumbnailMode;
  /** What invalid records do: fail the job or get skipped and counted. */
  onInvalid: OnInvalid;
  /**
   * Whether the thumbnail workers keep each image's hashes (content and
   * perceptual) for `/duplicates`. Default true; false saves their cost (a few
   * percent of the thumbnail stage) for a dataset that will not be searched.
   */
  hashes?: boolean;
  /** The name of the dataset an ingest into no dataset makes; null when it goes into one. */
  datasetName: string | null;
  /** The upload job this ingest is one split of (it commits its rows but leaves the dataset's status to the upload); null for an ingest of its own. */
  uploadJobId: string | null;
}

/** What `POST /datasets/ingest` asks for: into a dataset (`datasetId`) or a new one (`datasetName`). */
export type IngestDraft = Omit<IngestJobRequest, 'kind' | 'datasetId' | 'uploadJobId'> & { datasetId?: number | undefined; uploadJobId?: string | null };

/** A ground-truth file ingested as a split. */
export const ingestJob: JobKind<IngestJobRequest, IngestSummary, IngestDraft> = {
  name: 'ingest',
  stages: STAGES,
  tellsPlugins: true,
  progressPlan: (r) => planWithout({ parts: [READ_GROUND_TRUTH, MASKS, THUMBNAILS] }, r),

  async prepare(draft, repo) {
    const { datasetId: given, uploadJobId = null, ...rest } = draft;
    if (given === undefined) {
      const datasetId = await repo.createDataset(draft.datasetName ?? draft.split);
      return { kind: 'ingest', ...rest, datasetId, uploadJobId };
    }
    await repo.assertDatasetExists(given);
    if (await repo.hasSplit(given, draft.split)) throw conflict(`dataset ${given} already has a split named "${draft.split}": give another split`);
    return { kind: 'ingest', ...rest, datasetId: given, datasetName: null, uploadJobId };
  },

  toRecord: (r) => ({
    split: r.split,
    annotationPath: r.annotationPath,
    imageDir: r.imageDir,
    maskDir: r.maskDir,
    options: {
      thumbnails: r.thumbnails,
      on_invalid: r.onInvalid,
      ...(r.hashes === false ? { hashes: false } : {}),
      ...(r.uploadJobId === null ? { dataset_name: r.datasetName } : { upload_job_id: r.uploadJobId }),
    },
  }),

  fromRecord: (row) => ({
    kind: 'ingest',
    datasetId: Number(row.dataset_id),
    split: row.split,
    annotationPath: row.annotation_path,
    imageDir: row.image_dir,
    maskDir: row.mask_dir,
    thumbnails: (row.options.thumbnails as ThumbnailMode | undefined) ?? 'all',
    onInvalid: (row.options.on_invalid as OnInvalid | undefined) ?? 'fail',
    hashes: row.options.hashes !== false,
    datasetName: (row.options.dataset_name as string | null | undefined) ?? null,
    uploadJobId: (row.options.upload_job_id as string | undefined) ?? null,
  }),

  describe: (r) => ({
    split: r.split,
    annotation_path: r.annotationPath,
    image_dir: r.imageDir,
    ...(r.maskDir === null ? {} : { mask_dir: r.maskDir }),
    thumbnails: r.thumbnails,
    on_invalid: r.onInvalid,
    hashes: r.hashes !== false,
    ...(r.uploadJobId === null ? {} : { upload_job_id: r.uploadJobId }),
  }),

  ownsDataset: (r) => r.uploadJobId === null,

  run: (job, lifecycle, context, options) => ingestDataset({ ...job.request, jobId: job.id }, context.services, lifecycle, options),

  summarise: (s) => ({
    current: s.image_count,
    total: s.image_count,
    images: s.image_count,
    annotations: s.annotation_count,
    message: `ingested ${s.image_count} images, ${s.annotation_count} annotations and ${s.category_count} categories in ${seconds(s.duration_ms)} s`,
  }),

  async settleFailure(r, _jobId, status, failure, { repo }) {
    // An upload's split: the upload, which fails with it, settles the dataset.
    if (r.uploadJobId === null) await repo.settleDatasetAfterFailure(r.datasetId, status, failure.message);
  },
};

const seconds = (ms: number): string => (ms / 1000).toFixed(1);
