/** No image within the pixel limit takes more than 8 bytes per pixel (16-bit RGBA, uncompressed). */
const BYTES_PER_PIXEL_BOUND = 8;
/** Room for what is not pixels: EXIF, ICC profiles, thumbnails embedded in the file. */
const METADATA_SLACK_BYTES = 16 * 1024 * 1024;

/** The largest image file worth reading for a pixel limit: anything bigger is refused unread. */
export function maxImageBytes(maxPixels: number): number {
  return maxPixels * BYTES_PER_PIXEL_BOUND + METADATA_SLACK_BYTES;
}
