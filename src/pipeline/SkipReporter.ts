import type { AppError } from '../errors.js';
import type { CocoSection } from '../formats/records.js';
import type { IngestWarning } from '../progress/StageProgress.js';

/** Invalid records named one by one in `warning` events when skipping; the rest are only counted. */
const SKIP_WARNINGS = 20;

/** Records skipped under `on_invalid: "skip"`, by section. */
export type SkipCounts = Record<'images' | 'annotations' | 'categories' | 'results', number>;

/**
 * Counts the records an ingest skips under `on_invalid: "skip"` and names the
 * first {@link SKIP_WARNINGS} of them in warnings, then says once that more
 * are only counted.
 */
export class SkipReporter {
  readonly counts: SkipCounts = { images: 0, annotations: 0, categories: 0, results: 0 };
  readonly #onWarning: (warning: IngestWarning) => void;
  #warned = 0;

  constructor(onWarning: (warning: IngestWarning) => void) {
    this.#onWarning = onWarning;
  }

  /** A record left out; `message` null when a rule only counts it. */
  readonly skip = (section: CocoSection, message: string | null): void => {
    this.counts[section]++;
    if (message === null || this.#warned > SKIP_WARNINGS) return;
    this.#warned++;
    const stage = section === 'results' ? 'results' : section;
    this.#onWarning(
      this.#warned <= SKIP_WARNINGS
        ? { stage, code: 'RECORD_SKIPPED', message: `skipped: ${message}` }
        : { stage, code: 'RECORD_SKIPPED', message: 'more invalid records skipped: counted in the complete event, not listed' },
    );
  };

  /** A record the reader found invalid. */
  readonly invalid = (section: CocoSection, error: AppError): void => this.skip(section, error.message);
}
