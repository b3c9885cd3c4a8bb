// One evaluation of a dataset: its summary numbers, per-category AP as a
// sorted bar chart, a chosen category's PR curves, and the confusion matrix
// as a heat map whose cells open the grid of their images.

import { apBarChart } from './apBarChart.js';
import { api } from './api.js';
import { confusionHeatMap } from './confusionHeatMap.js';
import { $, el, fillSelect } from './dom.js';
import { formatMetric } from './format.js';
import { prCurveChart, prLegend } from './prCurveChart.js';

/** The page's address for these parameters, without a hashchange (the page redraws what changed itself). */
function replaceQuery(datasetId, name, params) {
  for (const [key, value] of [...params]) if (value === '' || value === '0') params.delete(key);
  history.replaceState(null, '', `#/datasets/${datasetId}/evaluations/${encodeURIComponent(name)}${params.size > 0 ? `?${params}` : ''}`);
}

/** Shows evaluation `name` of dataset `datasetId`; `params` may choose the PR curve's `category` and the confusion's `min_score`. */
export async function showEvaluation(datasetId, name, params) {
  // Nothing of the evaluation shown before shows (nor answers its controls) while this one loads.
  for (const part of ['#evaluation-title', '#evaluation-info', '#evaluation-summary', '#evaluation-ap', '#pr-chart', '#confusion-body'])
    $(part).replaceChildren();
  $('#pr-category').onchange = null;
  $('#confusion-min-score').onchange = null;
  const minScore = Number(params.get('min_score') ?? 0);
  const path = `/datasets/${datasetId}/evaluations/${encodeURIComponent(name)}`;
  const [dataset, evaluation, { items: others }] = await Promise.all([
    api(`/datasets/${datasetId}`),
    api(minScore > 0 ? `${path}?min_score=${minScore}` : path),
    api(`/datasets/${datasetId}/evaluations`),
  ]);
  $('#evaluation-back').href = `#/datasets/${datasetId}`;
  $('#evaluation-title').textContent = `${dataset.name} · ${evaluation.name}`;
  const seconds = typeof evaluation.duration_ms === 'number' ? ` in ${(evaluation.duration_ms / 1000).toFixed(1)} s` : '';
  $('#evaluation-info').textContent =
    `${evaluation.iou_type} · predictions ${evaluation.predictions} · split ${evaluation.split ?? 'all'} · ${evaluation.status}${seconds}`;
  $('#evaluation-grid').href = `#/datasets/${datasetId}?evaluation=${encodeURIComponent(name)}&outcome=errors`;
  showComparePicker(datasetId, name, others);
  // Figures exist only once the evaluation is stored, all or nothing.
  if (evaluation.status !== 'ready') return;
  $('#evaluation-summary').replaceChildren(summaryTable(evaluation.stats));
  $('#evaluation-ap').replaceChildren(apBarChart(evaluation.per_category));
  showPrCurves(datasetId, name, evaluation, params);
  showConfusion(datasetId, name, evaluation.confusion, minScore, params);
}

/** The named summary numbers (AP, AP50, … AR_large), in pycocotools' order, to 3 decimals. */
function summaryTable(stats) {
  const entries = Object.entries(stats);
  return el(
    'table',
    { class: 'metrics' },
    el('thead', {}, el('tr', {}, ...entries.map(([key]) => el('th', { scope: 'col' }, key)))),
    el('tbody', {}, el('tr', {}, ...entries.map(([key, value]) => el('td', { 'data-stat': key }, formatMetric(value))))),
  );
}

/** The PR curves of the category the select chooses: by default the best one. */
function showPrCurves(datasetId, name, evaluation, params) {
  const categories = [...evaluation.per_category].sort((a, b) => b.AP - a.AP);
  const select = $('#pr-category');
  select.replaceChildren(...categories.map((c) => el('option', { value: c.category_id }, c.name)));
  const chosen = categories.find((c) => String(c.category_id) === params.get('category')) ?? categories[0];
  if (!chosen) return $('#pr-chart').replaceChildren(el('p', { class: 'muted' }, 'no categories'));
  select.value = String(chosen.category_id);
  const draw = () => {
    const id = Number(select.value);
    const category = evaluation.per_category.find((c) => c.category_id === id);
    const curves = evaluation.pr_curves.filter((c) => c.category_id === id);
    $('#pr-chart').replaceChildren(prCurveChart(category.name, curves), prLegend());
  };
  select.onchange = () => {
    params.set('category', select.value);
    replaceQuery(datasetId, name, params);
    draw();
  };
  draw();
}

/** The confusion heat map, read again from the service when the score threshold changes. */
function showConfusion(datasetId, name, confusion, minScore, params) {
  const input = $('#confusion-min-score');
  input.value = String(minScore);
  const draw = (matrix, score) => {
    const grid = (gt, predicted) => {
      const q = new URLSearchParams({ evaluation: name, confusion: `${gt},${predicted}` });
      if (score > 0) q.set('min_score', String(score));
      return `#/datasets/${datasetId}?${q}`;
    };
    $('#confusion-body').replaceChildren(confusionHeatMap(matrix, grid));
  };
  input.onchange = async () => {
    const score = Math.min(1, Math.max(0, Number(input.value) || 0));
    params.set('min_score', String(score));
    replaceQuery(datasetId, name, params);
    const path = `/datasets/${datasetId}/evaluations/${encodeURIComponent(name)}`;
    const fresh = await api(score > 0 ? `${path}?min_score=${score}` : path);
    draw(fresh.confusion, score);
  };
  draw(confusion, minScore);
}

/** A select of the dataset's other evaluations: choosing one opens the two side by side. */
function showComparePicker(datasetId, name, others) {
  const names = others.filter((e) => e.name !== name && e.status === 'ready').map((e) => e.name);
  $('#evaluation-compare').hidden = names.length === 0;
  fillSelect($('#compare-with'), names, '', 'choose…');
  $('#compare-with').onchange = () => {
    const b = $('#compare-with').value;
    if (b) location.hash = `#/datasets/${datasetId}/compare?${new URLSearchParams({ a: name, b })}`;
  };
}
