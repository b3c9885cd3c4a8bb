import { link, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SAMPLE_DIR } from './startTestServer.js';

/**
 * Writes a COCO instances file of `images` images (2 boxes each) into `dir`,
 * with an image folder of hard links to the fixture photos: a dataset large
 * enough that its thumbnail stage is still running when a test acts on it.
 */
export async function makeDataset(dir: string, images: number): Promise<{ annotationPath: string; imageDir: string }> {
  const imageDir = path.join(dir, 'images');
  await mkdir(imageDir, { recursive: true });
  const sources = (await readdir(path.join(SAMPLE_DIR, 'images/val'))).filter((n) => n.endsWith('.jpg')).sort();
  const json = {
    info: { description: 'generated for a test' },
    licenses: [],
    images: [] as object[],
    annotations: [] as object[],
    categories: [{ supercategory: 'animal', id: 18, name: 'dog' }],
  };
  for (let i = 1; i <= images; i++) {
    const fileName = `${String(i).padStart(12, '0')}.jpg`;
    await link(path.join(SAMPLE_DIR, 'images/val', sources[i % sources.length]!), path.join(imageDir, fileName));
    json.images.push({ id: i, file_name: fileName, width: 320, height: 240 });
    for (let k = 0; k < 2; k++) {
      json.annotations.push({
        id: i * 10 + k,
        image_id: i,
        category_id: 18,
        bbox: [10, 10, 50, 40],
        area: 2000,
        iscrowd: 0,
        segmentation: [[10, 10, 60, 10, 60, 50]],
      });
    }
  }
  const annotationPath = path.join(dir, 'instances_big.json');
  await writeFile(annotationPath, JSON.stringify(json));
  return { annotationPath, imageDir };
}
