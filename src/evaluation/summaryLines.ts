import { evaluationParams } from './evaluationParams.js';
import type { IouType } from './evaluationTypes.js';
import { summaryStats } from './summaryStats.js';

/**
 * Python's `'{:0.Nf}'.format(x)`: JavaScript's `toFixed` rounds an exact tie
 * up, Python to even. A tie at 3 or 2 decimals is only possible for x = odd/16
 * (resp. odd/8 ... all dyadic); those are the values checked.
 */
function pythonFixed(x: number, digits: number): string {
  const scaled = x * 10 ** digits;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && Number.isInteger(x * 2 ** 20) && floor % 2 === 0) return (floor / 10 ** digits).toFixed(digits);
  return x.toFixed(digits);
}

/**
 * The lines pycocotools prints for a summary, character for character
 * (`_summarize`'s ` {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}`).
 */
export function summaryLines(iouType: IouType, summary: readonly number[]): string[] {
  const thrs = evaluationParams(iouType).iouThrs;
  return summaryStats(iouType).map((stat, i) => {
    const title = (stat.ap ? 'Average Precision' : 'Average Recall').padEnd(18);
    const type = stat.ap ? '(AP)' : '(AR)';
    const iou = stat.iouThr === undefined ? `${pythonFixed(thrs[0]!, 2)}:${pythonFixed(thrs[thrs.length - 1]!, 2)}` : pythonFixed(stat.iouThr, 2);
    return ` ${title} ${type} @[ IoU=${iou.padEnd(9)} | area=${stat.area.padStart(6)} | maxDets=${String(stat.maxDets).padStart(3)} ] = ${pythonFixed(summary[i]!, 3)}`;
  });
}
