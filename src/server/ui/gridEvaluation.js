// The dataset page's evaluations: their list (each opens its page), and the
// grid's evaluation filters (errors only worst first, one outcome, a
// confusion cell's images, the images an evaluation regressed on).
import { $, el, fillSelect } from './dom.js';
import { formatMetric } from './format.js';

/** The grid page's parameters that belong to an evaluation, passed to GET /samples as they are. */
const PASSED = ['confusion', 'regressed', 'min_score'];

/** Lists dataset `id`'s evaluations (`items` of GET /datasets/{id}/evaluations), each row opening its page. */
export function showEvaluationList(id, items) {
  $('#evaluations').hidden = items.length === 0;
  $('#evaluations-table tbody').replaceChildren(
    ...items.map((e) => {
      const link = el('a', { href: `#/datasets/${id}/evaluations/${encodeURIComponent(e.name)}` }, e.name);
      return el(
        'tr',
        { 'data-evaluation': e.name },
        el('td', {}, link),
        el('td', {}, e.iou_type),
        el('td', {}, e.predictions),
        el('td', {}, e.split ?? ''),
        el('td', { class: `status-${e.status}` }, e.status),
        el('td', {}, formatMetric(e.summary?.[0])),
      );
    }),
  );
}

/**
 * Fills the grid's evaluation controls from `params` and the dataset's
 * `evaluations`, and returns what they add to GET /samples: the evaluation,
 * the outcome filter (`errors` is every image with a false positive or a miss,
 * worst first) and the filters a link may carry (a confusion cell, a regression).
 */
export function evaluationQuery(evaluations, params, categories) {
  const ready = evaluations.filter((e) => e.status === 'ready').map((e) => e.name);
  const evaluation = params.get('evaluation') ?? '';
  const outcome = params.get('outcome') ?? '';
  $('#evaluation-filters').hidden = ready.length === 0;
  fillSelect($('#filter-evaluation'), ready, evaluation, 'none');
  $('#filter-outcome').value = outcome;
  $('#filter-outcome').disabled = evaluation === '';
  const added = {};
  if (evaluation === '') {
    $('#grid-filter-note').textContent = '';
    return added;
  }
  added.evaluation = evaluation;
  // Errors only is the list worst first (sort=errors), cut where the errors end (dataset.js).
  if (outcome === 'errors') added.sort = 'errors';
  else if (outcome !== '') added.outcome = outcome;
  for (const key of PASSED) if (params.get(key)) added[key] = params.get(key);
  $('#grid-filter-note').textContent = noteOf(params, categories);
  return added;
}

/** What a link's filter keeps, in words: a confusion cell's classes or a regression's two evaluations. */
function noteOf(params, categories) {
  const nameOf = (key) => (key === 'background' ? 'background' : (categories.find((c) => String(c.id) === key)?.name ?? key));
  if (params.get('confusion')) {
    const [gt, predicted] = params.get('confusion').split(',');
    return `images where ${nameOf(gt)} was predicted as ${nameOf(predicted)}`;
  }
  if (params.get('regressed')) {
    const [a, b] = params.get('regressed').split(',');
    return `images where ${b} makes more errors than ${a}`;
  }
  return '';
}
