import { rm } from 'node:fs/promises';
import type { UploadLimits } from '../config.js';
import type { IngestOptions, IngestSummary } from '../pipeline/IngestRequest.js';
import { megabytes } from '../util/megabytes.js';
import { findUploadLayout, type UploadLayoutName, type UploadSplit } from './findUploadLayout.js';
import { unpackZip } from './unpackZip.js';

/** Where an upload's archive is and where it unpacks to. */
export interface UploadPlace {
  archive: string;
  /** The folder the files go to; it stays, as the dataset's image folder. */
  files: string;
  /** Bytes of the request body the archive came in. */
  bodyBytes: number;
}

/** Ingests one split of the upload (as a job of its own, committing its rows). */
export type SplitIngest = (split: UploadSplit, options: IngestOptions) => Promise<IngestSummary>;

/** The `complete` event's figures of an upload. */
export interface UploadSummary extends Record<string, unknown> {
  layout: UploadLayoutName;
  upload_bytes: number;
  unpacked_files: number;
  unpacked_bytes: number;
  /** Each split's own summary, in the order they were ingested. */
  splits: IngestSummary[];
  /** Annotation files in the archive that were not ingested. */
  ignored: string[];
  image_count: number;
  annotation_count: number;
  duration_ms: number;
}

/**
 * An upload's work once its archive is on disk: unpack it within `limits`
 * (stage `unpack`), recognise its layout, drop the archive, then ingest each
 * split in turn through `ingestSplit`, its progress tagged with the split. A
 * failure stops at once; taking back the splits already committed is the
 * caller's (it owns the dataset).
 */
export async function ingestUpload(place: UploadPlace, limits: UploadLimits, ingestSplit: SplitIngest, options: IngestOptions): Promise<UploadSummary> {
  const started = performance.now();
  const { signal, onProgress, onWarning } = options;
  let unpackedBytes = 0;
  const files = await unpackZip(place.archive, place.files, {
    maxEntries: limits.maxEntries,
    maxBytes: limits.maxUnpackedBytes,
    maxRatio: limits.maxUnpackRatio,
    keepFreeBytes: limits.minFreeDiskBytes,
    signal,
    onProgress: (entries, total, bytes) => {
      unpackedBytes = bytes;
      onProgress({ stage: 'unpack', current: entries, total, message: `unpacked ${entries} of ${total} entries (${megabytes(bytes)} MB)` });
    },
  });
  onProgress({
    stage: 'unpack',
    current: files.length,
    total: files.length,
    done: true,
    message: `unpacked ${files.length} files (${megabytes(unpackedBytes)} MB)`,
  });
  await rm(place.archive, { force: true });
  const layout = findUploadLayout(files, place.files);
  if (layout.ignored.length > 0) {
    onWarning({
      stage: 'unpack',
      code: 'UPLOAD_FILES_IGNORED',
      message: `not ingested: ${layout.ignored.join(', ')} (a split takes one annotation file, instances first, and needs an image folder)`,
    });
  }
  const splits: IngestSummary[] = [];
  const count = layout.splits.length;
  for (const [index, split] of layout.splits.entries()) {
    signal.throwIfAborted();
    // Each update says which split of how many it is from: the job's fraction gives each an even share.
    const tagged = { split: split.split, split_index: index, split_count: count };
    splits.push(await ingestSplit(split, { ...options, onProgress: (p) => onProgress({ ...p, ...tagged }) }));
  }
  return {
    layout: layout.name,
    upload_bytes: place.bodyBytes,
    unpacked_files: files.length,
    unpacked_bytes: unpackedBytes,
    splits,
    ignored: layout.ignored,
    image_count: sum(splits, 'image_count'),
    annotation_count: sum(splits, 'annotation_count'),
    duration_ms: Math.round(performance.now() - started),
  };
}

const sum = (list: IngestSummary[], key: 'image_count' | 'annotation_count'): number => list.reduce((n, s) => n + s[key], 0);
