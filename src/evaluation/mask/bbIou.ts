/**
 * IoU of every detection box with every ground-truth box (maskApi.c's
 * `bbIou`): for a crowd ground truth the union is the detection's area alone.
 * @returns `D x G`, row-major (`[d * G + g]`), 0 where the boxes do not overlap
 */
export function bbIou(dt: readonly ArrayLike<number>[], gt: readonly ArrayLike<number>[], iscrowd: ArrayLike<number>): number[] {
  const D = dt.length;
  const G = gt.length;
  // A plain array: small and made per image, where a typed array's backing store costs more than the work.
  const o = new Array<number>(D * G).fill(0);
  for (let g = 0; g < G; g++) {
    const gb = gt[g]!;
    const ga = gb[2]! * gb[3]!;
    const crowd = iscrowd[g] ? 1 : 0;
    for (let d = 0; d < D; d++) {
      const db = dt[d]!;
      const da = db[2]! * db[3]!;
      const w = Math.min(db[2]! + db[0]!, gb[2]! + gb[0]!) - Math.max(db[0]!, gb[0]!);
      if (w <= 0) continue;
      const h = Math.min(db[3]! + db[1]!, gb[3]! + gb[1]!) - Math.max(db[1]!, gb[1]!);
      if (h <= 0) continue;
      const i = w * h;
      const u = crowd ? da : da + ga - i;
      o[d * G + g] = i / u;
    }
  }
  return o;
}
