import type { IouType } from './evaluationTypes.js';

/** One line of COCOeval's summary: what `_summarize` is called with. */
export interface SummaryStat {
  /** Its name in `EvaluationFigures.stats`. */
  name: string;
  /** Average precision (true) or recall (false). */
  ap: boolean;
  /** One IoU threshold, or all when undefined. */
  iouThr?: number;
  area: string;
  maxDets: number;
}

const DETECTION: SummaryStat[] = [
  { name: 'AP', ap: true, area: 'all', maxDets: 100 },
  { name: 'AP50', ap: true, iouThr: 0.5, area: 'all', maxDets: 100 },
  { name: 'AP75', ap: true, iouThr: 0.75, area: 'all', maxDets: 100 },
  { name: 'AP_small', ap: true, area: 'small', maxDets: 100 },
  { name: 'AP_medium', ap: true, area: 'medium', maxDets: 100 },
  { name: 'AP_large', ap: true, area: 'large', maxDets: 100 },
  { name: 'AR1', ap: false, area: 'all', maxDets: 1 },
  { name: 'AR10', ap: false, area: 'all', maxDets: 10 },
  { name: 'AR100', ap: false, area: 'all', maxDets: 100 },
  { name: 'AR_small', ap: false, area: 'small', maxDets: 100 },
  { name: 'AR_medium', ap: false, area: 'medium', maxDets: 100 },
  { name: 'AR_large', ap: false, area: 'large', maxDets: 100 },
];

const KEYPOINTS: SummaryStat[] = [
  { name: 'AP', ap: true, area: 'all', maxDets: 20 },
  { name: 'AP50', ap: true, iouThr: 0.5, area: 'all', maxDets: 20 },
  { name: 'AP75', ap: true, iouThr: 0.75, area: 'all', maxDets: 20 },
  { name: 'AP_medium', ap: true, area: 'medium', maxDets: 20 },
  { name: 'AP_large', ap: true, area: 'large', maxDets: 20 },
  { name: 'AR', ap: false, area: 'all', maxDets: 20 },
  { name: 'AR50', ap: false, iouThr: 0.5, area: 'all', maxDets: 20 },
  { name: 'AR75', ap: false, iouThr: 0.75, area: 'all', maxDets: 20 },
  { name: 'AR_medium', ap: false, area: 'medium', maxDets: 20 },
  { name: 'AR_large', ap: false, area: 'large', maxDets: 20 },
];

/** COCOeval's summary lines for an IoU type, in `stats` order (`_summarizeDets` / `_summarizeKps`). */
export function summaryStats(iouType: IouType): readonly SummaryStat[] {
  return iouType === 'keypoints' ? KEYPOINTS : DETECTION;
}
