// How the sample view draws an evaluation's outcomes: each prediction by its
// outcome (true or false positive), the ground truth it missed apart from the
// ground truth it found, and the legend that says so.
import { OUTCOME_COLOURS, OUTCOME_NAMES } from './colours.js';
import { el } from './dom.js';

/**
 * The outcome an annotation is drawn as: a prediction's own (`tp`, `fp`,
 * `ignored`); a ground truth's `fn` when missed, `matched` when found (its
 * `tp`), `ignored` (crowds, areas out of range).
 */
export function outcomeOf(a, predicted) {
  const outcome = a.eval?.outcome ?? 'ignored';
  return !predicted && outcome === 'tp' ? 'matched' : outcome;
}

/** An annotation's colour and its list text's suffix for `outcome`, with the IoU of its match when it has one. */
export function outcomeLabel(a, outcome) {
  const iou = typeof a.eval?.iou === 'number' && a.eval.iou > 0 ? `, IoU ${a.eval.iou.toFixed(2)}` : '';
  return { colour: OUTCOME_COLOURS[outcome], text: ` · ${OUTCOME_NAMES[outcome]}${iou}` };
}

/** The legend: a swatch per outcome, drawn as the figure draws it (missed ground truth dashed). */
export function outcomeLegend(iou) {
  return [
    el('li', { class: 'legend-title' }, `Outcomes at IoU ${iou}`),
    ...['tp', 'fp', 'fn', 'matched', 'ignored'].map((outcome) => {
      const swatch = el('span', { class: `swatch box outcome-${outcome}` });
      swatch.style.borderColor = OUTCOME_COLOURS[outcome];
      return el('li', { 'data-outcome': outcome }, swatch, OUTCOME_NAMES[outcome]);
    }),
  ];
}
