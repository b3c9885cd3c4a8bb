// Category colours, shared by the grid's boxes and the sample view, and the
// colours of an evaluation's outcomes and charts.

export const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990'];

/** A category's own colour (panoptic's `color`), else one of the palette's. */
export function colourOf(category, i) {
  return Array.isArray(category?.color) ? `rgb(${category.color.join(',')})` : COLOURS[i % COLOURS.length];
}

/**
 * An evaluation's outcomes, from Okabe and Ito's palette, which people with any
 * of the common colour-vision deficiencies tell apart: a true positive bluish
 * green, a false positive vermilion, missed ground truth (fn) yellow-orange
 * and drawn dashed, so even in grey the three differ. Ground truth that was
 * found and ignored detections are grey.
 */
export const OUTCOME_COLOURS = { tp: '#009e73', fp: '#d55e00', fn: '#e69f00', ignored: '#8a8a8a', matched: '#56b4e9' };

/** What each outcome is called in legends and lists. */
export const OUTCOME_NAMES = {
  tp: 'true positive',
  fp: 'false positive',
  fn: 'missed (false negative)',
  ignored: 'ignored',
  matched: 'ground truth found',
};

/** The PR curves' two IoU thresholds: blue and orange (Okabe and Ito), the second also dashed. */
export const IOU_COLOURS = { 0.5: '#0072b2', 0.75: '#e69f00' };

/**
 * A heat map cell's background for a share in [0, 1]: white to Okabe and Ito's
 * blue, one hue, so the order reads without telling hues apart.
 */
export function heatOf(share) {
  const mix = (from, to) => Math.round(from + (to - from) * share);
  return `rgb(${mix(255, 0)},${mix(255, 114)},${mix(255, 178)})`;
}
