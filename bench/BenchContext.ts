import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BenchOptions } from './benchOptions.js';
import type { LoadedCategories } from './loadCategories.js';
import type { ImagePool } from './loadImagePool.js';
import { log } from './log.js';
import type { MachineInfo } from './machineInfo.js';
import { type PreparedDataset, prepareDataset } from './prepareDataset.js';

/**
 * What every section works with: the options, the photo pool, and the
 * generated datasets, each generated once per bench run however many sections
 * use it.
 */
export class BenchContext {
  readonly options: BenchOptions;
  readonly repoRoot: string;
  readonly pool: ImagePool;
  readonly categories: LoadedCategories;
  readonly machine: MachineInfo;
  /** Generated inputs: the service is allowed to read only here (`INGEST_ROOTS`). */
  readonly inputsDir: string;
  /** Server and child logs, one file per run. */
  readonly logDir: string;
  /** Baselines' outputs. */
  readonly outputsDir: string;
  readonly #datasets = new Map<string, Promise<PreparedDataset>>();

  constructor(options: BenchOptions, repoRoot: string, pool: ImagePool, categories: LoadedCategories, machine: MachineInfo) {
    this.options = options;
    this.machine = machine;
    this.repoRoot = repoRoot;
    this.pool = pool;
    this.categories = categories;
    this.inputsDir = path.join(options.workDir, 'inputs');
    this.logDir = path.join(options.workDir, 'logs');
    this.outputsDir = path.join(options.workDir, 'outputs');
  }

  /** Creates the work folders. */
  async init(): Promise<void> {
    for (const dir of [this.inputsDir, this.logDir, this.outputsDir]) await mkdir(dir, { recursive: true });
  }

  /**
   * The dataset of `images` images, generated on first use. Without `withImages`
   * (a metadata-only ingest), its image folder is left empty: a million hard
   * links would cost minutes for nothing.
   */
  dataset(images: number, withImages = true): Promise<PreparedDataset> {
    const name = `bench${images}`;
    let prepared = this.#datasets.get(name);
    if (prepared === undefined) {
      prepared = (async () => {
        const started = performance.now();
        log(`generating ${name}: ${images} images ...`);
        const dataset = await prepareDataset(this.inputsDir, name, images, this.pool.photos, this.categories.categories, withImages);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        log(
          `generated ${name}: ${dataset.annotations} annotations (${dataset.crowdAnnotations} crowd), ${(dataset.bytes / 1e6).toFixed(1)} MB, in ${seconds} s`,
        );
        return dataset;
      })();
      this.#datasets.set(name, prepared);
    }
    return prepared;
  }
}
