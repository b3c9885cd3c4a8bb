import { segmentAnnotations } from '../formats/panoptic/segmentAnnotations.js';
import type { PanopticRecord } from '../formats/records.js';
import type { StageOptions } from '../progress/StageProgress.js';
import type { DatasetStorage } from '../storage/DatasetStorage.js';
import type { MaskResult } from '../workers/messages.js';
import type { ThumbnailBackend } from '../workers/ThumbnailBackend.js';
import type { DatasetWriter } from './DatasetWriter.js';

/** Options of {@link PanopticMaskStage}. */
export interface PanopticMaskStageOptions extends StageOptions {
  /** The PNG folder, a path or URL already checked against the ingest roots. */
  maskDir: string;
  storage: DatasetStorage;
  /** Pixel limit of a PNG, as for images. */
  maxPixels: number;
}

/**
 * The `masks` stage of a panoptic ingest: for each image's record, its PNG is
 * read and cut into one RLE mask per segment by the worker pool, and the record
 * and its segments are then appended by the writer. A PNG that is missing,
 * undecodable or not its image's size, or a segment whose pixel count differs
 * from `segments_info`, is recorded as the sample's failure and counted; the
 * segments are kept (without masks when the PNG gave none).
 */
export class PanopticMaskStage {
  readonly #pool: ThumbnailBackend;
  readonly #writer: DatasetWriter;
  readonly #options: PanopticMaskStageOptions;
  readonly failures: Record<string, number> = {};
  #total: number | null = null;
  #done = 0;
  #failed = 0;
  #inFlight = 0;
  #idle: (() => void) | null = null;
  #firstError: unknown = null;

  constructor(pool: ThumbnailBackend, writer: DatasetWriter, options: PanopticMaskStageOptions) {
    this.#pool = pool;
    this.#writer = writer;
    writer.keepSizes();
    this.#options = options;
  }

  /** True when the next {@link submit} will wait for the pool. */
  get needsDrain(): boolean {
    return this.#pool.needsDrain;
  }

  /** Sets the stage's total once the `annotations` array has ended. */
  setTotal(total: number): void {
    this.#total = total;
    this.#report(total === this.#done);
  }

  /** Queues one image's masks, waiting first while the pool is saturated. */
  async submit(record: PanopticRecord, index: number): Promise<void> {
    const { signal } = this.#options;
    if (this.#firstError) throw this.#firstError;
    while (this.#pool.needsDrain) await this.#pool.waitForDrain(signal);
    this.#inFlight++;
    this.#cut(record, index)
      .catch((err: unknown) => {
        this.#firstError ??= err;
      })
      .finally(() => {
        if (--this.#inFlight === 0) this.#idle?.();
      });
  }

  async #cut(record: PanopticRecord, index: number): Promise<void> {
    const { signal, storage, maskDir, maxPixels } = this.#options;
    const sample = this.#writer.sampleOf(record.image_id);
    const source = await storage.imageSource(maskDir, record.file_name, { signal, maxPixels });
    const result: MaskResult =
      'ok' in source
        ? { ok: false, code: source.code === 'IMAGE_MISSING' ? 'MASK_MISSING' : 'MASK_UNDECODABLE', message: source.message }
        : await this.#pool.runMasks(
            {
              source,
              width: sample?.width ?? null,
              height: sample?.height ?? null,
              segmentIds: record.segments_info.map((s) => s.id),
              maxPixels,
            },
            { signal },
          );
    signal.throwIfAborted();
    if (!result.ok) {
      this.#writer.addPanopticRecord(record, index, segmentAnnotations(record, []));
      this.#fail(sample?.id, result.code, result.message);
    } else {
      const size: [number, number] = [result.height, result.width];
      this.#writer.addPanopticRecord(
        record,
        index,
        segmentAnnotations(
          record,
          result.masks.map((m) => ({ size, counts: m.counts, area: m.area })),
        ),
      );
      const k = record.segments_info.findIndex((s, i) => s.area !== null && s.area !== result.masks[i]!.area);
      if (k >= 0) {
        const segment = record.segments_info[k]!;
        this.#fail(
          sample?.id,
          'MASK_AREA_MISMATCH',
          `${record.file_name}: segment ${segment.id} has ${result.masks[k]!.area} pixels, segments_info[${k}].area says ${segment.area}`,
        );
      }
    }
    this.#done++;
    this.#report(this.#done === this.#total);
  }

  /**
   * Counts a failure, and lists it with its sample. COCO lists images before
   * annotations; a record whose image comes later in the file has no sample yet
   * (nor a size to check its PNG against), so its failure is counted only.
   */
  #fail(sampleId: number | undefined, code: string, message: string): void {
    this.#failed++;
    this.failures[code] = (this.failures[code] ?? 0) + 1;
    if (sampleId !== undefined) this.#writer.addImageFailure({ sampleId, code, message });
  }

  /** Waits for every queued image; rethrows the first error a task met. */
  async finish(): Promise<void> {
    await this.settled();
    this.#options.signal.throwIfAborted();
    if (this.#firstError) throw this.#firstError;
  }

  /**
   * Waits until no task is in flight, whatever their outcome. Not raced
   * against the signal: after an abort, this is what waits for the tasks to
   * see it (each listens to it), so that nothing still writes once it returns.
   */
  async settled(): Promise<void> {
    while (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
    }
    this.#idle = null;
  }

  #report(done: boolean): void {
    this.#options.onProgress({
      stage: 'masks',
      current: this.#done,
      total: this.#total,
      failed: this.#failed,
      message: `${this.#done} of ${this.#total ?? '?'} panoptic images cut into masks`,
      done,
    });
  }
}
