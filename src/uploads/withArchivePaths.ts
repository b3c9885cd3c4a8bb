import path from 'node:path';

/**
 * `value` with every path inside `folder` (an upload's unpacked files) named as
 * the archive names it, relative: `…/uploads/7/files/val/1.jpg`
 * becomes `val/1.jpg`, and the folder itself `.`. Strings are rewritten
 * wherever they are, in plain objects and arrays at any depth (messages name
 * files too); other values are kept as they are. Answers never show where the
 * service keeps an upload.
 */
export function withArchivePaths<T>(value: T, folder: string): T {
  const inside = `${folder}${path.sep}`;
  const rewrite = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.includes(folder) ? v.replaceAll(inside, '').replaceAll(folder, '.') : v;
    }
    if (Array.isArray(v)) return v.map(rewrite);
    if (v !== null && typeof v === 'object' && isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
    return v;
  };
  return rewrite(value) as T;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
