import { type HttpUrl, parseHttpUrl } from './httpUrl.js';

/**
 * Decides which web addresses the service may fetch: those under one of the
 * `http(s)://host/prefix` entries of INGEST_ROOTS. The origin (scheme, host,
 * port) must be the root's exactly, and the path is compared segment by
 * segment, so `https://h/coco` admits `https://h/coco/x.jpg` but not
 * `https://h/coco-private/x.jpg`; `..` segments never get this far.
 */
export class UrlPrefixGuard {
  readonly #roots: HttpUrl[];

  /** @param roots http(s) URLs; `https://host` alone admits the whole host. */
  constructor(roots: readonly string[]) {
    this.#roots = roots.map((root) => {
      const at = parseHttpUrl(root);
      if (!at) throw new RangeError(`${root}: not an http(s) URL`);
      return at;
    });
  }

  /** True when `url` parses and lies under a root. */
  contains(url: string): boolean {
    let at: HttpUrl | null;
    try {
      at = parseHttpUrl(url);
    } catch {
      return false;
    }
    if (!at) return false;
    return this.#roots.some((root) => root.origin === at.origin && root.segments.every((s, i) => at.segments[i] === s));
  }
}
