/**
 * A COCO file's body for images named `files`, all `width` x `height`, each
 * with one 10 px box of the one category: the least a dataset needs for its
 * images to be read, whatever the test does to them.
 */
export function oneBoxEach(files: readonly string[], width: number, height: number) {
  return {
    images: files.map((file_name, i) => ({ id: i + 1, file_name, width, height })),
    annotations: files.map((_, i) => ({ id: i + 1, image_id: i + 1, category_id: 1, bbox: [1, 1, 10, 10], area: 100, iscrowd: 0 })),
    categories: [{ id: 1, name: 'thing' }],
  };
}
