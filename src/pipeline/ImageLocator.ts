import type { AnnotationFormat } from '../formats/AnnotationFormat.js';
import type { DatasetStorage } from '../storage/DatasetStorage.js';

/** What locating an image needs of its record. */
export interface LocatableImage {
  file_name: string | null;
  image_ref: string | null;
  extra: Record<string, unknown> | null;
}

/**
 * Decides where each image of an ingest is read from, relative to the image
 * folder or as a URL:
 * - `file_name` under the folder (COCO);
 * - for an image with an `image_ref`, where its format says
 *   ({@link AnnotationFormat.locateImage}; LVIS's `<split folder>/<file>` or
 *   `<file>`), its questions about the folder's sub-folders asked once each;
 * - with no image folder, the image's own `coco_url`.
 */
export class ImageLocator {
  readonly #storage: DatasetStorage;
  readonly #imageDir: string | null;
  readonly #format: () => AnnotationFormat | null;
  readonly #hasFolder = new Map<string, Promise<boolean>>();

  /** `format` is the format settled so far: the one that read the image being located. */
  constructor(storage: DatasetStorage, imageDir: string | null, format: () => AnnotationFormat | null) {
    this.#storage = storage;
    this.#imageDir = imageDir;
    this.#format = format;
  }

  /** The image's location; a promise only when its format had to ask about a folder. */
  readonly locate = (image: LocatableImage): string | Promise<string> => {
    if (this.#imageDir === null) {
      const url = image.extra?.coco_url;
      return typeof url === 'string' ? url : (image.file_name ?? '');
    }
    if (image.image_ref === null) return image.file_name ?? '';
    const format = this.#format();
    return format?.locateImage ? format.locateImage(image.image_ref, this.#folderExists) : image.image_ref;
  };

  readonly #folderExists = (folder: string): Promise<boolean> => {
    let known = this.#hasFolder.get(folder);
    if (known === undefined) {
      known = this.#storage.hasFolder(this.#imageDir!, folder);
      this.#hasFolder.set(folder, known);
    }
    return known;
  };
}
