import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { SAMPLE_DIR } from './startTestServer.js';

const VAL = path.join(SAMPLE_DIR, 'images/val');
const TRAIN = path.join(SAMPLE_DIR, 'images/train');

/** The fixture photos each split gets, and how the train copies of val photos were made. */
const VAL_PHOTOS = ['000000000139.jpg', '000000000285.jpg', '000000000632.jpg', '000000000724.jpg', '000000000776.jpg', '000000000785.jpg'];
const EDITS: Record<string, (input: Buffer, width: number, height: number) => Promise<Buffer>> = {
  exact: async (input) => input,
  resized: (input, width) =>
    sharp(input)
      .resize(Math.round(width / 2))
      .jpeg({ quality: 90 })
      .toBuffer(),
  reencoded: (input) => sharp(input).jpeg({ quality: 40 }).toBuffer(),
  cropped: (input, width, height) =>
    sharp(input)
      .extract({ left: Math.round(width * 0.01), top: Math.round(height * 0.01), width: Math.round(width * 0.98), height: Math.round(height * 0.98) })
      .jpeg()
      .toBuffer(),
  brightened: (input) => sharp(input).modulate({ brightness: 1.1 }).jpeg().toBuffer(),
};

/**
 * Writes a dataset of two splits: val has six fixture photos; train has an
 * edited copy of each of the first five (v1 exact, v2 resized, v3 re-encoded,
 * v4 cropped 1% a side, v5 brightened 10%), two other photos, and an exact copy
 * of one of those (a duplicate within train, not a leak).
 */
export async function writeLeakyDataset(dir: string): Promise<{ annotations: Record<string, string>; images: Record<string, string> }> {
  const files: Record<string, { name: string; bytes: Buffer }[]> = { val: [], train: [] };
  for (const [i, photo] of VAL_PHOTOS.entries()) files.val!.push({ name: `v${i + 1}.jpg`, bytes: await readFile(path.join(VAL, photo)) });
  for (const [i, edit] of Object.values(EDITS).entries()) {
    const original = files.val![i]!.bytes;
    const { width, height } = await sharp(original).metadata();
    files.train!.push({ name: `t${i + 1}.jpg`, bytes: await edit(original, width, height) });
  }

  const other = await readFile(path.join(TRAIN, '000000000009.jpg'));
  files.train!.push(
    { name: 't6.jpg', bytes: other },
    { name: 't7.jpg', bytes: await readFile(path.join(TRAIN, '000000000025.jpg')) },
    { name: 't8.jpg', bytes: other },
  );
  const annotations: Record<string, string> = {};
  const images: Record<string, string> = {};
  for (const [split, list] of Object.entries(files)) {
    images[split] = path.join(dir, split);
    await mkdir(images[split]!, { recursive: true });
    const json = { images: [] as object[], annotations: [] as object[], categories: [{ id: 1, name: 'thing', supercategory: 'thing' }] };
    for (const [i, file] of list.entries()) {
      await writeFile(path.join(images[split]!, file.name), file.bytes);
      const { width, height } = await sharp(file.bytes).metadata();
      json.images.push({ id: i + 1, file_name: file.name, width, height });
      json.annotations.push({
        id: i + 1,
        image_id: i + 1,
        category_id: 1,
        bbox: [1, 1, 10, 10],
        area: 100,
        iscrowd: 0,
        segmentation: [[1, 1, 11, 1, 11, 11, 1, 11]],
      });
    }
    annotations[split] = path.join(dir, `instances_${split}.json`);
    await writeFile(annotations[split]!, JSON.stringify(json));
  }
  return { annotations, images };
}
