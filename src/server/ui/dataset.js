// One dataset: its thumbnail grid, filtered by category and split (and by an
// evaluation's outcomes), scrolled by cursor, with export and delete.
import { api } from './api.js';
import { COLOURS, colourOf } from './colours.js';
import { $, el, fillSelect } from './dom.js';
import { evaluationQuery, showEvaluationList } from './gridEvaluation.js';
import { showStats } from './stats.js';

const PAGE = 48;

/** The grid's loading state: which query it follows and where the next page starts. */
let gridState = null;
/** How many times the page was asked for: the latest asking wins. */
let showing = 0;

/** Shows dataset `id` with the filters of `params` (category, split, and an evaluation's: evaluation, outcome, confusion, regressed). */
export async function showDataset(id, params) {
  // A later address may be shown before this one's answers come: then this one stops.
  const shown = ++showing;
  const [dataset, evaluations] = await Promise.all([api(`/datasets/${id}`), api(`/datasets/${id}/evaluations`)]);
  if (shown !== showing) return;
  showEvaluationList(id, evaluations.items);
  $('#dataset-title').textContent = `${dataset.name} · ${dataset.status}`;
  const category = params.get('category') ?? '';
  const split = params.get('split') ?? '';
  fillSelect(
    $('#filter-category'),
    dataset.categories.map((c) => c.name),
    category,
  );
  fillSelect($('#filter-split'), dataset.split_names, split);
  const evaluationFilters = evaluationQuery(evaluations.items, params, dataset.categories);
  const go = () => {
    const q = new URLSearchParams({
      category: $('#filter-category').value,
      split: $('#filter-split').value,
      evaluation: $('#filter-evaluation').value,
      outcome: $('#filter-evaluation').value ? $('#filter-outcome').value : '',
    });
    for (const [key, value] of [...q]) if (value === '') q.delete(key);
    location.hash = `#/datasets/${id}?${q}`;
  };
  $('#filter-category').onchange = go;
  $('#filter-split').onchange = go;
  $('#filter-evaluation').onchange = go;
  $('#filter-outcome').onchange = go;
  // The export takes the same filters: what the grid shows goes out as a dataset of its own.
  const exportQuery = new URLSearchParams({ split, category });
  for (const [key, value] of [...exportQuery]) if (value === '') exportQuery.delete(key);
  $('#dataset-export').href = `/datasets/${id}/export?${exportQuery}`;
  $('#dataset-quality').href = `#/datasets/${id}/quality`;
  $('#dataset-delete').onclick = async () => {
    if (!confirm(`Delete ${dataset.name}: its rows, thumbnails and uploaded files?`)) return;
    try {
      await api(`/datasets/${id}`, { method: 'DELETE' });
      location.hash = '#/';
    } catch (err) {
      $('#page-info').textContent = `not deleted: ${err.message}`;
    }
  };
  $('#stats').open = false;
  $('#stats-body').replaceChildren();
  $('#stats').ontoggle = () => {
    if ($('#stats').open && $('#stats-body').childElementCount === 0) showStats(id);
  };
  const colours = new Map(dataset.categories.map((c, i) => [c.id, colourOf(c, i)]));
  const query = new URLSearchParams({ dataset_id: String(id), limit: String(PAGE), boxes: 'true' });
  if (category) query.set('category', category);
  if (split) query.set('split', split);
  // From the Quality page: the samples a check names, or those with a duplicate.
  for (const key of ['check', 'duplicates']) if (params.get(key)) query.set(key, params.get(key));
  for (const [key, value] of Object.entries(evaluationFilters)) query.set(key, value);
  gridState = {
    id,
    query,
    evaluation: evaluationFilters.evaluation ?? null,
    // Errors only: the list is worst first, so the images with errors end at the first without.
    errorsOnly: evaluationFilters.sort === 'errors',
    colours,
    cursor: null,
    done: false,
    /** The page in flight, if any. */
    loading: null,
    filling: false,
    loaded: 0,
    total: null,
  };
  $('#grid').replaceChildren();
  await loadMore(gridState);
  watchGridEnd();
}

/**
 * Appends the next page of the grid (by cursor), unless it is at its end; while a page is loading,
 * resolves when that one has. A caller looping until the end is out of view must wait for the page in
 * flight: returning at once let `fillToEnd` spin in microtasks, the page it waited for never arriving,
 * and froze the tab (an observer's call for a new grid whose first page was still on its way).
 */
function loadMore(state) {
  if (state.done || state !== gridState) return Promise.resolve();
  state.loading ??= loadPage(state).finally(() => {
    state.loading = null;
  });
  return state.loading;
}

/** Fetches and appends the grid's next page. */
async function loadPage(state) {
  const query = new URLSearchParams(state.query);
  if (state.cursor) query.set('cursor', state.cursor);
  const page = await api(`/samples?${query}`);
  if (state !== gridState) return;
  if (page.total !== undefined) state.total = page.total;
  state.cursor = page.next_cursor;
  const items = state.errorsOnly ? page.items.filter((s) => s.errors > 0) : page.items;
  state.done = page.next_cursor === null || items.length < page.items.length;
  state.loaded += items.length;
  $('#grid').append(...items.map((s) => tile(state, s)));
  if (state.errorsOnly) {
    $('#page-info').textContent = `${state.loaded} image(s) with errors${state.done ? '' : ' so far'}`;
    $('#grid-end').textContent = state.done ? (state.loaded === 0 ? '' : 'end of the images with errors') : 'loading more as you scroll…';
    return;
  }
  $('#page-info').textContent = state.total === 0 ? 'no samples' : `${state.loaded} of ${state.total}`;
  $('#grid-end').textContent = state.done ? (state.total === 0 ? '' : 'end of the dataset') : 'loading more as you scroll…';
}

/** Loads the next page whenever the end of the grid comes into view, and again while it stays there. */
let gridObserver = null;
function watchGridEnd() {
  gridObserver?.disconnect();
  gridObserver = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && gridState) void fillToEnd(gridState);
  });
  gridObserver.observe($('#grid-end'));
}

/** One loop per grid: a page at a time, each awaited, while the grid's end is still in view. */
async function fillToEnd(state) {
  if (state.filling) return;
  state.filling = true;
  try {
    while (state === gridState && !state.done && $('#grid-end').getBoundingClientRect().top <= innerHeight) await loadMore(state);
  } finally {
    state.filling = false;
    // The loop may stop on a layout not settled yet (tiles taller before their thumbnails load or fail) while the
    // end is back in view once it settles: the observer, which saw it in view all along, would not call again.
    // Observed anew, it reports where the end is at the next frame.
    if (state === gridState && !state.done && gridObserver) {
      gridObserver.unobserve($('#grid-end'));
      gridObserver.observe($('#grid-end'));
    }
  }
}

/** One sample of the grid: its small thumbnail with its boxes drawn over it. */
function tile(state, s) {
  const { id, colours, evaluation } = state;
  const picture = s.image_error
    ? el('div', { class: 'failed', title: s.image_error.message }, s.image_error.code)
    : el(
        'div',
        { class: 'thumb' },
        el('img', { src: `/images/${id}/${s.id}?size=small`, alt: s.file_name, loading: 'lazy', width: 128, height: 128 }),
        boxesOver(s, colours),
      );
  // With an evaluation chosen, the image opens with its outcomes drawn.
  const query = evaluation ? `?${new URLSearchParams({ evaluation })}` : '';
  const errors = typeof s.errors === 'number' ? el('span', { class: 'errors' }, `${s.errors} error${s.errors === 1 ? '' : 's'}`) : '';
  return el('a', { href: `#/datasets/${id}/samples/${s.id}${query}`, title: s.file_name, 'data-sample': s.id }, picture, el('span', {}, s.file_name), errors);
}

/** The sample's boxes in an SVG the size of the thumbnail, scaled as the image is (contained, centred). */
function boxesOver(s, colours) {
  if (!s.width || !s.height || !Array.isArray(s.boxes)) return el('svg');
  return el(
    'svg',
    { viewBox: `0 0 ${s.width} ${s.height}`, preserveAspectRatio: 'xMidYMid meet' },
    ...s.boxes.map(([categoryId, x, y, width, height]) => el('rect', { x, y, width, height, stroke: colours.get(categoryId) ?? COLOURS[0] })),
  );
}
