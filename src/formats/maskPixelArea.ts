import { rleFromString } from './panoptic/rle.js';

/**
 * The pixel area of an RLE segmentation `{size, counts}`: the sum of its odd
 * runs (maskApi.c's `rleArea`), from a counts list or a compressed string
 * (decoded as pycocotools' `rleFrString` does). Null for polygons, for no
 * segmentation, and for a string that is not a compressed RLE.
 *
 * Kept on the annotation's row at ingest because SQL cannot decode the
 * compressed string, and the `area_mismatch` check needs the mask's area.
 */
export function maskPixelArea(segmentation: unknown): number | null {
  if (typeof segmentation !== 'object' || segmentation === null || Array.isArray(segmentation)) return null;
  const counts = (segmentation as { counts?: unknown }).counts;
  let runs: readonly unknown[];
  if (Array.isArray(counts)) runs = counts;
  else if (typeof counts === 'string') {
    try {
      runs = rleFromString(counts);
    } catch {
      return null;
    }
  } else return null;
  let area = 0;
  for (let j = 1; j < runs.length; j += 2) area += runs[j] as number;
  return area;
}
