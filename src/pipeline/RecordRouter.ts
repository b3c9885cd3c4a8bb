import { invalidAnnotations } from '../errors.js';
import type { CocoEvent, CocoSection } from '../formats/records.js';
import type { DatasetWriter } from './DatasetWriter.js';
import type { LocatableImage } from './ImageLocator.js';
import type { PanopticMaskStage } from './PanopticMaskStage.js';
import type { ParseProgress } from './ParseProgress.js';
import type { PluginBatcher } from './PluginBatcher.js';
import type { ThumbnailStage } from './ThumbnailStage.js';

/** The parts a ground-truth ingest hands records to. */
export interface RecordTargets {
  file: string;
  writer: DatasetWriter;
  /** Null without thumbnails. */
  thumbnails: ThumbnailStage | null;
  /** Thumbnails for the first this-many images; Infinity for all. */
  thumbnailLimit: number;
  /** Cuts panoptic masks; null when the request has no mask folder. */
  masks: PanopticMaskStage | null;
  plugins: PluginBatcher;
  progress: ParseProgress;
  /** Where the image of a record is read from, relative to the image folder or a URL. */
  locate: (image: LocatableImage) => string | Promise<string>;
  /** The file's categories by id, as the plugins see them. */
  categories: Map<number, string>;
}

/**
 * Hands each record of a ground-truth file to the parts that take it: images
 * to the writer, the thumbnail stage and the plugins; annotations to the writer
 * and the plugins; panoptic records to the mask stage; categories to the
 * writer. Records of `info` and `licenses` are kept for the commit.
 */
export class RecordRouter {
  info: Record<string, unknown> | null = null;
  licenses: unknown[] | null = null;
  readonly #t: RecordTargets;

  constructor(targets: RecordTargets) {
    this.#t = targets;
  }

  /** Routes one batch of the reader; returns the ms spent waiting for the workers (backpressure). */
  async route(batch: readonly CocoEvent[]): Promise<number> {
    const { writer, thumbnails, masks, plugins, progress } = this.#t;
    let waited = 0;
    for (const event of batch) {
      switch (event.kind) {
        case 'image': {
          progress.inSection('images');
          const located = this.#t.locate(event.record);
          const sample = writer.addImage(event.record, event.index, typeof located === 'string' ? located : await located);
          if (thumbnails && thumbnails.submitted < this.#t.thumbnailLimit) waited += await timedWait(thumbnails.needsDrain, () => thumbnails.submit(sample));
          plugins.addSample(sample);
          break;
        }
        case 'annotation':
          progress.inSection('annotations');
          writer.addAnnotation(event.record, event.index);
          plugins.addAnnotation(event.record);
          break;
        case 'panoptic': {
          progress.inSection('annotations');
          if (!masks) throw invalidAnnotations(`${this.#t.file}: a panoptic file needs its PNG folder: give mask_dir`);
          const record = event.record;
          waited += await timedWait(masks.needsDrain, () => masks.submit(record, event.index));
          break;
        }
        case 'category':
          writer.addCategory(event.record, event.index);
          this.#t.categories.set(event.record.id, event.record.name);
          break;
        case 'result':
          throw invalidAnnotations(
            `${this.#t.file}: a COCO results file (a top-level array of model outputs): load it beside a dataset with POST /datasets/{id}/predictions`,
          );
        case 'info':
          this.info = event.value;
          break;
        case 'licenses':
          this.licenses = event.value;
          break;
        case 'end':
          progress.sectionEnd(event.section, event.count);
          if (event.section === 'images') thumbnails?.setTotal(Math.min(event.count, this.#t.thumbnailLimit));
          if (event.section === 'annotations') masks?.setTotal(event.count);
          break;
      }
    }
    progress.batchEnd((section: CocoSection) => (section === 'images' ? writer.imageCount : writer.annotationCount));
    await writer.flushDue();
    await plugins.maybeFlush();
    return waited;
  }

  /** After the last batch: the plugins get what is left. */
  async finish(): Promise<void> {
    await this.#t.plugins.flush();
  }
}

/** Runs `submit`, timing it when it is known to wait first. */
async function timedWait(willWait: boolean, submit: () => Promise<void>): Promise<number> {
  if (!willWait) {
    await submit();
    return 0;
  }
  const start = performance.now();
  await submit();
  return performance.now() - start;
}
