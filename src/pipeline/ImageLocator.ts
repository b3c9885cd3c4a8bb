import path from 'node:path';
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
 * - for an LVIS image (known by `coco_url`), `<split folder>/<file>` under the
 *   folder when it has that split folder, else `<file>` (the folder is the
 *   split's own), as LVIS's loaders do; asked once per split folder;
 * - with no image folder, the image's own `coco_url`.
 */
export class ImageLocator {
  readonly #storage: DatasetStorage;
  readonly #imageDir: string | null;
  readonly #hasFolder = new Map<string, Promise<boolean>>();

  constructor(storage: DatasetStorage, imageDir: string | null) {
    this.#storage = storage;
    this.#imageDir = imageDir;
  }

  /** The image's location; a promise only the first time an LVIS split folder is met. */
  readonly locate = (image: LocatableImage): string | Promise<string> => {
    if (this.#imageDir === null) {
      const url = image.extra?.coco_url;
      return typeof url === 'string' ? url : (image.file_name ?? '');
    }
    if (image.image_ref === null) return image.file_name ?? '';
    const slash = image.image_ref.indexOf('/');
    if (slash < 0) return image.image_ref;
    const folder = image.image_ref.slice(0, slash);
    const imageDir = this.#imageDir;
    let known = this.#hasFolder.get(folder);
    if (known === undefined) {
      known = this.#storage.hasFolder(imageDir, folder);
      this.#hasFolder.set(folder, known);
    }
    return known.then((has) => (has ? image.image_ref! : path.posix.basename(image.image_ref!)));
  };
}
