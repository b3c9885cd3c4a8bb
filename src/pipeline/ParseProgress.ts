import type { CocoSection } from '../formats/records.js';
import type { StageProgress } from '../progress/StageProgress.js';

/**
 * Words the progress of the parse stages (`categories`, `images`,
 * `annotations`, `results`): counts while a record array is read, with the
 * bytes of the file read so far, and its total when it ends.
 */
export class ParseProgress {
  readonly #onProgress: (progress: StageProgress) => void;
  #bytesRead = 0;
  #bytesTotal: number | null;
  #section: CocoSection | null = null;
  #categoriesSeen = false;

  constructor(onProgress: (progress: StageProgress) => void, bytesTotal: number | null) {
    this.#onProgress = onProgress;
    this.#bytesTotal = bytesTotal;
  }

  /** The reader's byte count, after each chunk. */
  readonly bytes = (p: { bytesRead: number; totalBytes: number | null }): void => {
    this.#bytesRead = p.bytesRead;
    this.#bytesTotal = p.totalBytes;
  };

  /** A record of `section` was read (the count goes out once per batch, from {@link batchEnd}). */
  inSection(section: CocoSection): void {
    this.#section = section;
  }

  /** After each batch: the count of the array being read. */
  batchEnd(count: (section: CocoSection) => number): void {
    if (this.#section !== null && this.#section !== 'categories') this.#report(this.#section, count(this.#section), null);
  }

  /** A record array ended with `count` records. */
  sectionEnd(section: CocoSection, count: number): void {
    this.#section = null;
    if (section === 'categories') {
      this.#categoriesSeen = true;
      this.#onProgress({ stage: 'categories', current: count, total: count, message: `${count} categories`, done: true });
    } else {
      this.#report(section, count, count);
    }
  }

  /** The file ended: a file without categories says so. */
  finish(): void {
    if (!this.#categoriesSeen) {
      this.#onProgress({ stage: 'categories', current: 0, total: 0, message: 'the file has no categories', done: true });
    }
  }

  #report(stage: Exclude<CocoSection, 'categories'>, current: number, total: number | null): void {
    this.#onProgress({
      stage,
      current,
      total,
      message: total === null ? `${current} ${stage} read` : `${total} ${stage}`,
      done: total !== null,
      bytes_read: this.#bytesRead,
      bytes_total: this.#bytesTotal,
    });
  }
}
