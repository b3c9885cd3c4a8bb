/** One (image, category)'s rows as COCOeval's `evaluateImg` reads them. */
export interface ImageCategoryRows {
  /** Ground-truth COCO ids, in file order. */
  gtIds: readonly number[];
  /** `ignore`: iscrowd (for keypoints also `num_keypoints == 0`). */
  gtIgnore: readonly number[];
  gtCrowd: readonly number[];
  gtArea: readonly number[];
  /** Detection ids (`resultId`), sorted by score (stable) and capped at maxDets. */
  dtIds: readonly number[];
  dtArea: readonly number[];
  /** `D x G` row-major IoUs (gts in file order), or null when COCOeval's were `[]`. */
  ious: ArrayLike<number> | null;
}

/**
 * COCOeval's `evalImgs` entry, with the matched gt's index kept for the outcome
 * rows. Plain arrays, not typed ones: they are small and made by the hundred
 * thousand, and a typed array's separate backing store costs more to make and
 * collect than the whole matching.
 */
export interface ImageEvaluation {
  /** Indices into the file-ordered gts, non-ignored first (stable): `gtind`. */
  gtOrder: number[];
  /** `_ignore` in `gtOrder`. */
  gtIgnore: number[];
  /** `T x D`: the matched gt's COCO id, 0 when none (`dtMatches`). */
  dtMatches: number[];
  /** `T x G` (gtOrder): the matching detection's id, 0 when none (`gtMatches`). */
  gtMatches: number[];
  /** `T x D`: `dtIgnore`. */
  dtIgnore: number[];
  /** `T x D`: the matched gt's file-order index, -1 when none. */
  dtMatchIndex: number[];
}

/**
 * COCOeval's `evaluateImg` for one area range, to the letter: gts outside the
 * range or ignored go last; each detection, best score first, takes the
 * unmatched gt (a crowd may be taken many times) with the highest IoU at or
 * above the threshold, stopping at the first ignored gt once a regular one is
 * held; an unmatched detection outside the range is ignored. Its quirks stay:
 * `dtMatches` holds the gt's COCO id, so a gt with id 0 reads as unmatched.
 */
export function evaluateImage(rows: ImageCategoryRows, areaRange: readonly [number, number], iouThrs: Float64Array): ImageEvaluation {
  const G = rows.gtIds.length;
  const D = rows.dtIds.length;
  const T = iouThrs.length;
  const [lo, hi] = areaRange;
  const flags = new Array<number>(G).fill(0);
  for (let g = 0; g < G; g++) flags[g] = rows.gtIgnore[g] || rows.gtArea[g]! < lo || rows.gtArea[g]! > hi ? 1 : 0;
  const gtOrder = new Array<number>(G).fill(0);
  let n = 0;
  for (let g = 0; g < G; g++) if (!flags[g]) gtOrder[n++] = g;
  for (let g = 0; g < G; g++) if (flags[g]) gtOrder[n++] = g;
  const gtIgnore = new Array<number>(G).fill(0);
  for (let j = 0; j < G; j++) gtIgnore[j] = flags[gtOrder[j]!]!;
  const dtMatches = new Array<number>(T * D).fill(0);
  const gtMatches = new Array<number>(T * G).fill(0);
  const dtIgnore = new Array<number>(T * D).fill(0);
  const dtMatchIndex = new Array<number>(T * D).fill(-1);
  const ious = rows.ious;
  if (ious !== null && G > 0 && D > 0) {
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        let iou = Math.min(iouThrs[t]!, 1 - 1e-10);
        let m = -1;
        for (let j = 0; j < G; j++) {
          const g = gtOrder[j]!;
          if (gtMatches[t * G + j]! > 0 && !rows.gtCrowd[g]) continue;
          if (m > -1 && gtIgnore[m] === 0 && gtIgnore[j] === 1) break;
          const v = ious[d * G + g]!;
          if (v < iou) continue;
          iou = v;
          m = j;
        }
        if (m === -1) continue;
        dtIgnore[t * D + d] = gtIgnore[m]!;
        dtMatches[t * D + d] = rows.gtIds[gtOrder[m]!]!;
        dtMatchIndex[t * D + d] = gtOrder[m]!;
        gtMatches[t * G + m] = rows.dtIds[d]!;
      }
    }
  }
  for (let d = 0; d < D; d++) {
    const outside = rows.dtArea[d]! < lo || rows.dtArea[d]! > hi;
    if (!outside) continue;
    for (let t = 0; t < T; t++) if (dtMatches[t * D + d] === 0) dtIgnore[t * D + d] = 1;
  }
  return { gtOrder, gtIgnore, dtMatches, gtMatches, dtIgnore, dtMatchIndex };
}
