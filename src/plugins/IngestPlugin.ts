import type { CocoAnnotation } from '../formats/records.js';

/**
 * The plugin contract. A plugin is an ES module in `PLUGIN_DIR` whose default
 * export (or named export `plugin`) is an object with a `name` and any of the
 * hooks below. Hooks may be async; the ingest awaits them, so a slow hook slows
 * the ingest, and a hook that throws is reported on the job's stream and log and
 * never fails or corrupts the ingest.
 */
export interface IngestPlugin {
  /** Unique name; also the key its stored data appears under in `GET /datasets/{id}`. */
  name: string;
  onIngestStart?(ctx: PluginContext): unknown;
  /** Called with what was ingested since the previous call, at most `PluginBatch` size records. */
  onSamplesIngested?(batch: PluginBatch, ctx: PluginContext): unknown;
  /** Called after the ingest committed: the dataset is `ready`. */
  onIngestComplete?(summary: Record<string, unknown>, ctx: PluginContext): unknown;
  /** Called after the ingest failed or was cancelled, with its error code and message. */
  onIngestFailed?(error: { code: string; message: string }, ctx: PluginContext): unknown;
}

/** A sample as plugins see it. */
export interface PluginSample {
  id: number;
  coco_id: number;
  file_name: string;
  width: number | null;
  height: number | null;
}

/** An annotation as plugins see it (no segmentation: plugins get the cheap fields). */
export type PluginAnnotation = Pick<CocoAnnotation, 'id' | 'image_id' | 'category_id' | 'bbox' | 'area' | 'iscrowd' | 'num_keypoints'>;

/** What `onSamplesIngested` receives. */
export interface PluginBatch {
  samples: PluginSample[];
  annotations: PluginAnnotation[];
}

/** What every hook receives about its ingest, and how a plugin keeps results. */
export interface PluginContext {
  datasetId: number;
  jobId: string;
  split: string;
  /** Category id -> name of this file's categories (filled once the file's categories are read). */
  categories: ReadonlyMap<number, string>;
  /** This plugin's stored data for the dataset, or null. */
  load(): Promise<unknown>;
  /** Replaces this plugin's stored data for the dataset (JSON-serialisable). */
  store(data: unknown): Promise<void>;
  /**
   * Runs a SQL query on a read connection and returns plain rows (BIGINTs as
   * numbers). In `onIngestComplete` this ingest's rows are committed and can be
   * read with `WHERE job_id = ?`: aggregates are better asked of DuckDB there
   * than kept in memory through the ingest. Plugins are trusted code; use it to read.
   */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}
