import { type GsUrl, parseGsUrl } from './gsUrl.js';

/**
 * Decides which Cloud Storage objects the service may read: those under one of
 * the `gs://bucket/prefix` entries of INGEST_ROOTS. Object names are compared
 * segment by segment, so `gs://b/coco` admits `gs://b/coco/x.jpg` but not
 * `gs://b/coco-private/x.jpg`; `..` segments never get this far ({@link parseGsUrl}).
 */
export class BucketGuard {
  readonly #roots: GsUrl[];

  /** @param roots `gs://` URLs; `gs://bucket` alone admits the whole bucket. */
  constructor(roots: readonly string[]) {
    this.#roots = roots.map((root) => {
      const at = parseGsUrl(root);
      if (!at) throw new RangeError(`${root}: not a gs:// URL`);
      return { bucket: at.bucket, name: at.name.replace(/\/+$/, '') };
    });
  }

  /** True when `url` (a valid gs:// URL) lies under a root. */
  contains(url: string): boolean {
    const at = parseGsUrl(url);
    if (!at) return false;
    const name = at.name.replace(/\/+$/, '');
    return this.#roots.some((root) => root.bucket === at.bucket && (root.name === '' || name === root.name || name.startsWith(`${root.name}/`)));
  }
}
