import { imageFileName } from './imageFileName.js';
import type { SeededRandom } from './SeededRandom.js';

/** What an image record describes. */
export interface ImageRecordTarget {
  id: number;
  width: number;
  height: number;
  /** The split in `coco_url`, e.g. `train2017`. */
  split: string;
  /** How many licenses the file lists; `license` is one of 1..licenses. */
  licenses: number;
}

/**
 * One image in COCO 2017's key order (`license`, `file_name`, `coco_url`,
 * `height`, `width`, `date_captured`, `flickr_url`, `id`) with the same kinds of
 * values: the URLs and dates make records as long as real ones.
 */
export function makeImageRecord(random: SeededRandom, target: ImageRecordTarget): string {
  const fileName = imageFileName(target.id);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `2013-11-${pad(random.int(14, 25))} ${pad(random.int(0, 23))}:${pad(random.int(0, 59))}:${pad(random.int(0, 59))}`;
  const secret = Array.from({ length: 10 }, () => random.int(0, 15).toString(16)).join('');
  const flickr = `http://farm${random.int(1, 9)}.staticflickr.com/${random.int(1000, 9999)}/${random.int(1e9, 1e10 - 1)}_${secret}_z.jpg`;
  return (
    `{"license":${random.int(1, target.licenses)},"file_name":"${fileName}",` +
    `"coco_url":"http://images.cocodataset.org/${target.split}/${fileName}","height":${target.height},"width":${target.width},` +
    `"date_captured":"${date}","flickr_url":"${flickr}","id":${target.id}}`
  );
}
