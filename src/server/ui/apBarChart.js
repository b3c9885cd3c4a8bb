// An evaluation's per-category AP as a horizontal bar chart, best first, drawn as SVG.
import { el } from './dom.js';
import { formatMetric } from './format.js';

const ROW = 20;
const LABEL = 130;
const BAR = 300;
const VALUE = 50;

/**
 * Per-category AP (`per_category` of GET /datasets/{id}/evaluations/{name}) as
 * bars sorted from the best to the worst; a category whose AP is undefined (-1:
 * no ground truth) comes last with a dash and no bar.
 */
export function apBarChart(perCategory) {
  const rows = [...perCategory].sort((a, b) => b.AP - a.AP || a.name.localeCompare(b.name));
  const height = Math.max(1, rows.length) * ROW + ROW;
  const svg = el(
    'svg',
    { class: 'ap-bars', viewBox: `0 0 ${LABEL + BAR + VALUE} ${height}`, role: 'img', 'aria-labelledby': 'ap-bars-title' },
    el('title', { id: 'ap-bars-title' }, 'AP per category (IoU 0.50:0.95), best first'),
  );
  rows.forEach((c, i) => {
    const y = i * ROW;
    const width = c.AP > 0 ? c.AP * BAR : 0;
    svg.append(
      el(
        'g',
        { class: 'ap-bar', 'data-category': c.name, 'data-ap': c.AP },
        el('title', {}, `${c.name}: AP ${formatMetric(c.AP)} (AP50 ${formatMetric(c.AP50)}, AP75 ${formatMetric(c.AP75)})`),
        el('text', { x: LABEL - 6, y: y + ROW * 0.7, 'text-anchor': 'end' }, c.name),
        el('rect', { x: LABEL, y: y + 3, width, height: ROW - 6 }),
        el('text', { x: LABEL + width + 4, y: y + ROW * 0.7, class: 'value' }, formatMetric(c.AP)),
      ),
    );
  });
  // The axis: 0, 0.5 and 1 under the bars.
  const axisY = rows.length * ROW + 2;
  svg.append(el('line', { x1: LABEL, y1: axisY, x2: LABEL + BAR, y2: axisY, class: 'axis' }));
  for (const tick of [0, 0.5, 1]) svg.append(el('text', { x: LABEL + tick * BAR, y: axisY + 14, 'text-anchor': 'middle', class: 'tick' }, tick));
  return svg;
}
