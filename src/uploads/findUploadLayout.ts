import path from 'node:path';
import { AppError } from '../errors.js';
import { ARCHIVE_KIND_PREFERENCE } from '../formats/formatRegistry.js';

/** The archive layouts an upload may have. */
export type UploadLayoutName = 'coco' | 'roboflow' | 'cvat';

/** One split of an upload: its annotation file and where its images (and a panoptic file's PNGs) are. */
export interface UploadSplit {
  split: string;
  /** Absolute paths inside the unpacked folder. */
  annotationPath: string;
  imageDir: string;
  maskDir: string | null;
}

/** What {@link findUploadLayout} found. */
export interface UploadLayout {
  name: UploadLayoutName;
  splits: UploadSplit[];
  /** Annotation files of a split that already has a preferred one (e.g. `captions_val2017.json` beside `instances_val2017.json`), relative. */
  ignored: string[];
}

/**
 * When one split has several annotation files, the one ingested: the formats
 * say which kinds carry the most (instances first, image lists without
 * annotations last).
 */
const KIND_PREFERENCE = ARCHIVE_KIND_PREFERENCE;

const ROBOFLOW_FILE = /^([^/]+)\/_annotations\.coco\.json$/;
const ANNOTATION_FILE = /^annotations\/([A-Za-z0-9]+(?:_[A-Za-z0-9]+)*?)_([A-Za-z0-9][A-Za-z0-9.-]{0,63})\.json$/;

/**
 * Recognises an unpacked archive's layout from its file list (relative paths,
 * as `unpackZip` returns them), after stepping into a single top folder and
 * past macOS' `__MACOSX/` and `._*` files:
 * - Roboflow: `<split>/_annotations.coco.json` with the images beside it;
 * - COCO: `annotations/<kind>_<split>.json` with images in `<split>/` or
 *   `images/<split>/` (and a panoptic file's PNGs in `annotations/<kind>_<split>/`);
 * - CVAT: `annotations/instances_<subset>.json` with images in
 *   `images/<subset>/` (CVAT 2; reported as CVAT for its task subset
 *   `default`) or `images/` (CVAT 1).
 * @throws AppError `UPLOAD_REJECTED` naming what the archive holds when it is none of them.
 */
export function findUploadLayout(files: readonly string[], dir: string): UploadLayout {
  const { prefix, relative } = stepIntoTopFolder(files.filter((f) => !isNoise(f)));
  const at = (rel: string) => path.join(dir, prefix, rel);
  const folders = folderSet(relative);
  const roboflow = relative.map((f) => ROBOFLOW_FILE.exec(f)).filter((m) => m !== null);
  if (roboflow.length > 0) {
    return {
      name: 'roboflow',
      splits: roboflow.map((m) => ({ split: m[1]!, annotationPath: at(m[0]), imageDir: at(m[1]!), maskDir: null })).sort(bySplit),
      ignored: [],
    };
  }
  const chosen = new Map<string, { kind: string; file: string }>();
  const ignored: string[] = [];
  for (const file of relative) {
    const match = ANNOTATION_FILE.exec(file);
    if (!match) continue;
    const [, kind, split] = match as unknown as [string, string, string];
    const held = chosen.get(split);
    if (held === undefined) chosen.set(split, { kind, file });
    else if (rank(kind) < rank(held.kind)) {
      ignored.push(held.file);
      chosen.set(split, { kind, file });
    } else ignored.push(file);
  }
  const splits: UploadSplit[] = [];
  let name: UploadLayoutName = 'coco';
  for (const [split, { file }] of chosen) {
    const images = [split, `images/${split}`, 'images'].find((f) => folders.has(f));
    if (images === undefined) {
      ignored.push(file);
      continue;
    }
    // CVAT 1 puts every image in images/, and CVAT names a task's one subset `default`;
    // images/<split>/ is as much COCO's as CVAT 2's, and reads the same either way.
    if (images === 'images' || (split === 'default' && images === 'images/default')) name = 'cvat';
    const masks = file.replace(/\.json$/, '');
    splits.push({ split, annotationPath: at(file), imageDir: at(images), maskDir: folders.has(masks) ? at(masks) : null });
  }
  if (splits.length === 0)
    throw unrecognised(
      relative,
      [...chosen.values()].map((c) => c.file),
    );
  return { name, splits: splits.sort(bySplit), ignored: ignored.sort() };
}

const rank = (kind: string): number => {
  const index = KIND_PREFERENCE.findIndex((k) => kind === k || kind.startsWith(`${k}_`));
  return index === -1 ? KIND_PREFERENCE.length : index;
};

const bySplit = (a: UploadSplit, b: UploadSplit): number => a.split.localeCompare(b.split);

/** macOS' resource forks and folder settings, which Finder puts in every zip it makes. */
function isNoise(file: string): boolean {
  return file.startsWith('__MACOSX/') || file.split('/').some((part) => part === '.DS_Store' || part.startsWith('._'));
}

/** A zip of one folder holds everything under that folder's name: look inside it. */
function stepIntoTopFolder(files: string[]): { prefix: string; relative: string[] } {
  let prefix = '';
  let relative = files;
  for (;;) {
    const first = relative[0]?.split('/')[0];
    if (first === undefined || !relative.every((f) => f.startsWith(`${first}/`))) return { prefix, relative };
    prefix = `${prefix}${first}/`;
    relative = relative.map((f) => f.slice(first.length + 1));
  }
}

/** Every folder that holds a file, at any depth. */
function folderSet(files: readonly string[]): Set<string> {
  const folders = new Set<string>();
  for (const file of files) {
    for (let cut = file.lastIndexOf('/'); cut > 0; cut = file.lastIndexOf('/', cut - 1)) {
      const folder = file.slice(0, cut);
      if (folders.has(folder)) break;
      folders.add(folder);
    }
  }
  return folders;
}

function unrecognised(files: readonly string[], annotationFiles: string[]): AppError {
  const top = [...new Set(files.map((f) => (f.includes('/') ? `${f.split('/')[0]}/` : f)))].sort();
  const json = files.filter((f) => f.endsWith('.json'));
  const shown = (list: string[]) => (list.length > 8 ? `${list.slice(0, 8).join(', ')} and ${list.length - 8} more` : list.join(', ') || 'none');
  const why =
    annotationFiles.length > 0
      ? `${shown(annotationFiles)} name splits with no image folder (<split>/, images/<split>/ or images/)`
      : `it holds ${files.length} files: at the top ${shown(top)}; JSON files: ${shown(json)}`;
  return new AppError(
    'UPLOAD_REJECTED',
    `uploaded archive: not a layout this service knows (COCO: annotations/<kind>_<split>.json with <split>/ image folders; ` +
      `Roboflow: <split>/_annotations.coco.json beside its images; CVAT: annotations/instances_<subset>.json with images/): ${why}`,
  );
}
