import { big, type TableMapping } from './TableMapping.js';

/** An image that could not be read or thumbnailed, or whose panoptic mask failed. */
export interface ImageFailureRowIn {
  sampleId: number;
  datasetId: number;
  jobId: string;
  code: string;
  message: string;
}

/** `image_failures`: why a sample's image (or mask) failed; the sample stays, with its error. */
export const imageFailuresTable: TableMapping<ImageFailureRowIn> = {
  table: 'image_failures',
  columns: [
    { name: 'sample_id', type: 'BIGINT NOT NULL' },
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'code', type: 'VARCHAR NOT NULL' },
    { name: 'message', type: 'VARCHAR NOT NULL' },
  ],
  values: (f) => [big(f.sampleId), big(f.datasetId), f.jobId, f.code, f.message],
};
