import { invalidAnnotations } from '../errors.js';
import type { AnnotationFormat, FormatEvidence, RecordReader } from './AnnotationFormat.js';
import type { CocoSection } from './records.js';

/**
 * Settles which {@link AnnotationFormat} a file is in while it is read: by its
 * root (an object, or a bare array of results), then by the first element of
 * each record array, which a format may recognise as its own (`segments_info`:
 * panoptic; images known only by `coco_url`: LVIS). Until one does, the root
 * kind's default format reads the records; the formats share the readers of
 * the arrays they do not own, so nothing read before the switch is read differently.
 */
export class FormatResolver implements FormatEvidence {
  readonly first = new Map<CocoSection, Record<string, unknown>>();
  readonly #formats: readonly AnnotationFormat[];
  readonly #file: string;
  #format: AnnotationFormat | null = null;

  constructor(formats: readonly AnnotationFormat[], file: string) {
    if (formats.length === 0) throw new RangeError('FormatResolver needs at least one format');
    this.#formats = formats;
    this.#file = file;
  }

  /** The format settled so far; null before the first record. */
  get format(): AnnotationFormat | null {
    return this.#format;
  }

  /** What a split read so far is called (its root kind's default before any record). */
  get label(): string {
    return (this.#format ?? this.#formats.find((f) => f.root === 'object' && !f.recognises) ?? this.#formats[0]!).label(this);
  }

  /**
   * The reader of `section`'s elements in the format settled so far; `next` is
   * the element about to be read, which settles the format further when it is
   * the array's first. Asked once per run of elements, not per element: the
   * format can change only at an array's first element.
   */
  readerFor(section: CocoSection, next: unknown): RecordReader {
    if (!this.first.has(section)) this.#meet(section, next);
    const reader = this.#format!.sections[section];
    if (!reader) throw invalidAnnotations(`${this.#file}: ${section}: a ${this.#format!.id} file has no such array`);
    return reader;
  }

  #meet(section: CocoSection, raw: unknown): void {
    const first = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    this.first.set(section, first);
    const root = section === 'results' ? 'array' : 'object';
    if (this.#format === null) {
      const candidates = this.#formats.filter((f) => f.root === root);
      this.#format = candidates.find((f) => !f.recognises) ?? candidates[0] ?? null;
      if (!this.#format) throw invalidAnnotations(`${this.#file}: the top level must be ${root === 'array' ? 'an object' : 'an array of results'}`);
    }
    const claimant = this.#formats.find((f) => f.root === root && f.recognises?.(section, first) === true);
    if (!claimant || claimant === this.#format) return;
    if (this.#format.recognises) {
      throw invalidAnnotations(`${this.#file}: ${section}[0]: looks like a ${claimant.id} file, but the records before it were read as ${this.#format.id}`);
    }
    this.#format = claimant;
  }
}
