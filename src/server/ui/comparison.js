// Two evaluations of one split side by side: each summary number and each
// category's AP, with the difference (b - a) marked better or worse.
import { api } from './api.js';
import { $, el } from './dom.js';
import { formatMetric } from './format.js';

/** A difference with its sign, and a word for it beside the colour. */
function diffCell(diff, a, b) {
  if (a < 0 || b < 0) return el('td', { class: 'diff' }, '—');
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
  const kind = diff > 0 ? 'better' : diff < 0 ? 'worse' : 'same';
  return el('td', { class: `diff ${kind}`, title: kind }, `${sign}${Math.abs(diff).toFixed(3)}`);
}

function table(caption, first, a, b, rows) {
  return el(
    'table',
    { class: 'comparison' },
    el('caption', {}, caption),
    el(
      'thead',
      {},
      el('tr', {}, el('th', { scope: 'col' }, first), el('th', { scope: 'col' }, a), el('th', { scope: 'col' }, b), el('th', { scope: 'col' }, 'b − a')),
    ),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el('tr', {}, el('th', { scope: 'row' }, r.name), el('td', {}, formatMetric(r.a)), el('td', {}, formatMetric(r.b)), diffCell(r.diff, r.a, r.b)),
      ),
    ),
  );
}

/** Shows evaluations `a` and `b` of dataset `datasetId` side by side. */
export async function showComparison(datasetId, a, b) {
  const compared = await api(`/datasets/${datasetId}/evaluations/compare?${new URLSearchParams({ a, b })}`);
  $('#comparison-back').href = `#/datasets/${datasetId}/evaluations/${encodeURIComponent(a)}`;
  $('#comparison-title').textContent = `${a} (a) against ${b} (b)`;
  $('#comparison-regressed').href = `#/datasets/${datasetId}?${new URLSearchParams({ evaluation: b, regressed: `${a},${b}` })}`;
  $('#comparison-body').replaceChildren(table('Summary', 'number', a, b, compared.summary), table('AP per category', 'category', a, b, compared.per_category));
}
