// One category's precision-recall curves at IoU 0.5 and 0.75, drawn as SVG.
import { IOU_COLOURS } from './colours.js';
import { el } from './dom.js';

const SIZE = 240;
const MARGIN = { left: 40, right: 10, top: 10, bottom: 34 };

/** A curve's points (pycocotools' 101 recall thresholds and their precision) as an SVG path. */
function pathOf(curve) {
  return curve.recall
    .map((r, i) => `${i === 0 ? 'M' : 'L'}${(MARGIN.left + r * SIZE).toFixed(1)} ${(MARGIN.top + (1 - Math.max(0, curve.precision[i])) * SIZE).toFixed(1)}`)
    .join('');
}

/**
 * The PR curves of `curves` (each `{iou, recall, precision}`) on one pair of
 * axes, with a legend; `name` is the category's, for the chart's title.
 */
export function prCurveChart(name, curves) {
  const width = MARGIN.left + SIZE + MARGIN.right;
  const height = MARGIN.top + SIZE + MARGIN.bottom;
  const svg = el(
    'svg',
    { class: 'pr-curve', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'pr-curve-title' },
    el('title', { id: 'pr-curve-title' }, `${name}: precision against recall at IoU 0.5 and 0.75`),
  );
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const x = MARGIN.left + tick * SIZE;
    const y = MARGIN.top + (1 - tick) * SIZE;
    svg.append(
      el('line', { x1: MARGIN.left, y1: y, x2: MARGIN.left + SIZE, y2: y, class: 'grid' }),
      el('line', { x1: x, y1: MARGIN.top, x2: x, y2: MARGIN.top + SIZE, class: 'grid' }),
      el('text', { x: MARGIN.left - 4, y: y + 4, 'text-anchor': 'end', class: 'tick' }, tick),
      el('text', { x, y: MARGIN.top + SIZE + 14, 'text-anchor': 'middle', class: 'tick' }, tick),
    );
  }
  svg.append(
    el('text', { x: MARGIN.left + SIZE / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-label' }, 'recall'),
    el(
      'text',
      { x: 10, y: MARGIN.top + SIZE / 2, transform: `rotate(-90 10 ${MARGIN.top + SIZE / 2})`, 'text-anchor': 'middle', class: 'axis-label' },
      'precision',
    ),
  );
  for (const curve of [...curves].sort((a, b) => a.iou - b.iou)) {
    svg.append(
      el(
        'path',
        { d: pathOf(curve), stroke: IOU_COLOURS[curve.iou], class: `pr-line iou-${String(curve.iou).replace('.', '')}`, 'data-iou': curve.iou },
        el('title', {}, `IoU ${curve.iou}`),
      ),
    );
  }
  return svg;
}

/** The legend beside the curves: a swatch per IoU threshold, as the lines are drawn. */
export function prLegend() {
  return el(
    'ul',
    { class: 'legend' },
    ...[0.5, 0.75].map((iou) => {
      const swatch = el('span', { class: `swatch line iou-${String(iou).replace('.', '')}` });
      swatch.style.borderColor = IOU_COLOURS[iou];
      return el('li', {}, swatch, `IoU ${iou}`);
    }),
  );
}
