import type { CocoAnnotation } from '../formats/records.js';
import type { PluginAnnotation, PluginBatch, PluginSample } from '../plugins/IngestPlugin.js';
import type { WrittenSample } from './DatasetWriter.js';

/** How many records a plugin batch holds at most. */
const PLUGIN_BATCH = 1000;

/**
 * Gathers the samples and annotations of an ingest into batches for the
 * plugins' `onSamplesIngested` hook; does nothing when no plugin has one.
 */
export class PluginBatcher {
  readonly #send: ((batch: PluginBatch) => Promise<void>) | null;
  #samples: PluginSample[] = [];
  #annotations: PluginAnnotation[] = [];

  /** @param send the hook, or null when no plugin wants batches */
  constructor(send: ((batch: PluginBatch) => Promise<void>) | null) {
    this.#send = send;
  }

  addSample(sample: WrittenSample): void {
    if (!this.#send) return;
    this.#samples.push({
      id: sample.id,
      coco_id: sample.cocoId,
      file_name: sample.fileName ?? sample.location,
      width: sample.width,
      height: sample.height,
    });
  }

  addAnnotation(r: CocoAnnotation): void {
    if (!this.#send) return;
    this.#annotations.push({
      id: r.id,
      image_id: r.image_id,
      category_id: r.category_id,
      bbox: r.bbox,
      area: r.area,
      iscrowd: r.iscrowd,
      num_keypoints: r.num_keypoints,
    });
  }

  /** Sends a batch once it is full. */
  async maybeFlush(): Promise<void> {
    if (this.#samples.length + this.#annotations.length >= PLUGIN_BATCH) await this.flush();
  }

  /** Sends what is gathered. */
  async flush(): Promise<void> {
    if (!this.#send || (this.#samples.length === 0 && this.#annotations.length === 0)) return;
    const batch = { samples: this.#samples, annotations: this.#annotations };
    this.#samples = [];
    this.#annotations = [];
    await this.#send(batch);
  }
}
