/** The file name of generated image `id`, zero-padded to 12 digits like COCO 2017's (`000000000001.jpg`). */
export function imageFileName(id: number): string {
  return `${String(id).padStart(12, '0')}.jpg`;
}
