import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

/** A panoptic image of the generated set: its size and the segments painted into its PNG. */
export interface PanopticImage {
  id: number;
  width: number;
  height: number;
  /** Segment id by pixel, row-major. */
  ids: number[];
}

/**
 * Writes a small COCO panoptic set into `dir`: `panoptic_val.json`, the
 * `panoptic_val/` PNGs named after their images (as COCO ships them) and the
 * JPEGs in `images/`. Two images, each with a thing and a stuff segment.
 */
export async function makePanopticSet(dir: string, options: { wrongArea?: boolean; missingPng?: boolean } = {}): Promise<{ images: PanopticImage[]; json: string }> {
  await mkdir(path.join(dir, 'panoptic_val'), { recursive: true });
  await mkdir(path.join(dir, 'images'), { recursive: true });
  const images: PanopticImage[] = [];
  const records: unknown[] = [];
  for (const [n, id] of [0, 1].map((n) => [n, 100 + n] as const)) {
    const width = 40 + n * 8;
    const height = 30;
    const thing = 0x102030 + n;
    const stuff = 0x0a0b0c;
    const ids: number[] = [];
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ids.push(x >= 5 && x < 20 && y >= 4 && y < 24 ? thing : y >= 26 ? stuff : 0);
    images.push({ id, width, height, ids });
    const rgb = Buffer.alloc(width * height * 3);
    ids.forEach((v, p) => rgb.set([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff], p * 3));
    if (!(options.missingPng && n === 1)) {
      await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toFile(path.join(dir, 'panoptic_val', `${String(id).padStart(12, '0')}.png`));
    }
    await sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 150 } } }).jpeg().toFile(path.join(dir, 'images', `${String(id).padStart(12, '0')}.jpg`));
    const area = (v: number) => ids.filter((p) => p === v).length;
    records.push({
      segments_info: [
        { id: thing, category_id: 1, iscrowd: 0, bbox: [5, 4, 15, 20], area: area(thing) + (options.wrongArea && n === 0 ? 1 : 0) },
        { id: stuff, category_id: 184, iscrowd: 0, bbox: [0, 26, width, 4], area: area(stuff) },
      ],
      file_name: `${String(id).padStart(12, '0')}.png`,
      image_id: id,
    });
  }
  const json = path.join(dir, 'panoptic_val.json');
  await writeFile(
    json,
    JSON.stringify({
      info: { description: 'generated panoptic set' },
      licenses: [],
      images: images.map((i) => ({ file_name: `${String(i.id).padStart(12, '0')}.jpg`, height: i.height, width: i.width, id: i.id })),
      annotations: records,
      categories: [
        { supercategory: 'person', isthing: 1, id: 1, name: 'person', color: [220, 20, 60] },
        { supercategory: 'sky', isthing: 0, id: 184, name: 'sky-other-merged', color: [106, 154, 176] },
      ],
    }),
  );
  return { images, json };
}
