// The browser view of coco-ingest: start an ingest and watch it live (EventSource),
// list datasets, page through a dataset's thumbnails by category and split, and
// look at one image with its annotations drawn over it (boxes, polygons, RLE masks
// and panoptic segments in their category colours, keypoints and skeletons) and a
// prediction set over them above a score. Plain DOM, no build step; every value
// from the server is set with textContent or attributes, never as HTML.
import { decodeMask, rleFromString } from './rle.js';

const STAGES = ['categories', 'images', 'annotations', 'thumbnails'];
const SVG_TAGS = new Set(['svg', 'rect', 'polygon', 'text', 'path', 'line', 'circle', 'g', 'title']);
const PAGE = 48;
const $ = (selector) => document.querySelector(selector);

/** Creates an element with attributes and children (strings become text). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(
    SVG_TAGS.has(tag) ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml',
    tag,
  );
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// With API_TOKEN set, the service takes changes only with the token: asked for once on a 401,
// kept for this tab (sessionStorage), and sent as a bearer token from then on.
const TOKEN_KEY = 'coco-ingest-token';

function withToken(headers = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { ...headers, authorization: `Bearer ${token}` } : headers;
}

/** After a 401: asks for the token (again, if the one kept was refused); true when one was given. */
function askForToken() {
  const token = prompt('This service needs its API token (API_TOKEN) to make changes:');
  if (!token || !token.trim()) return false;
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return true;
}

async function api(path, init = {}, asked = false) {
  const response = await fetch(path, { ...init, headers: withToken(init.headers) });
  if (response.status === 401 && !asked && askForToken()) return api(path, init, true);
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
  return body;
}

// ---- home: ingest form, live job, datasets ----

let source = null;

const stageRow = (stage) =>
  el('div', { class: 'stage', 'data-stage': stage }, el('span', { class: 'name' }, stage), ' ', el('span', { class: 'muted count' }, ''), el('progress', { max: 1 }));

/** Shows a stage's figures in its row: `current / total` and the bar (indeterminate while the total is unknown). */
function setStage(row, p) {
  row.querySelector('.name').textContent = p.split ? `${p.split} · ${p.stage}` : p.stage;
  row.querySelector('.count').textContent = p.total === null ? `${p.current}` : `${p.current} / ${p.total}`;
  const bar = row.querySelector('progress');
  if (p.total === null) bar.removeAttribute('value');
  else {
    bar.max = Math.max(p.total, 1);
    bar.value = p.total === 0 ? 1 : p.current;
  }
}

/** The job card, emptied, with a row per stage the job will have. */
function resetJob(title, stageNames) {
  source?.close();
  $('#job').hidden = false;
  $('#job-id').textContent = title;
  $('#job-message').textContent = 'waiting for the first event…';
  $('#job-message').className = '';
  $('#stages').replaceChildren(...stageNames.map(stageRow));
}

function showJob(jobId, kind = 'ingest') {
  resetJob(jobId, kind === 'upload' ? ['upload', 'unpack', ...STAGES] : STAGES);
  const stages = $('#stages');
  $('#job-cancel').hidden = false;
  $('#job-cancel').onclick = () => api(`/jobs/${jobId}`, { method: 'DELETE' }).catch(() => undefined);
  source = new EventSource(`/jobs/${jobId}/events`);
  source.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    let row = stages.querySelector(`[data-stage="${p.stage}"]`);
    // Stages only some jobs have (a panoptic file's masks, a prediction set's results) get a row when they first report.
    if (!row && p.stage !== 'queued') {
      row = stageRow(p.stage);
      stages.insertBefore(row, stages.querySelector('[data-stage="thumbnails"]'));
    }
    if (row) setStage(row, p);
    $('#job-message').textContent = p.message;
  });
  source.addEventListener('warning', (e) => {
    $('#job-message').textContent = `warning: ${JSON.parse(e.data).message}`;
  });
  for (const name of ['complete', 'failed', 'cancelled']) {
    source.addEventListener(name, (e) => {
      const data = JSON.parse(e.data);
      source.close();
      $('#job-cancel').hidden = true;
      $('#job-message').textContent = `${name}: ${data.message}`;
      $('#job-message').className = name === 'complete' ? 'status-ready' : 'error';
      loadDatasets();
    });
  }
}

async function loadDatasets() {
  const { items } = await api('/datasets');
  $('#datasets tbody').replaceChildren(
    ...items.map((d) => {
      const row = el(
        'tr',
        { 'data-id': d.id },
        el('td', {}, d.name),
        el('td', { class: `status-${d.status}`, title: d.error ?? '' }, d.status),
        el('td', {}, d.image_count),
        el('td', {}, d.annotation_count),
        el('td', {}, d.category_count),
        el('td', {}, d.split_names.join(', ')),
      );
      row.addEventListener('click', () => (location.hash = `#/datasets/${d.id}`));
      return row;
    }),
  );
  const select = $('#ingest-form select[name="dataset_id"]');
  select.replaceChildren(el('option', { value: '' }, 'a new dataset'), ...items.map((d) => el('option', { value: d.id }, `${d.name} (#${d.id})`)));
}

// ---- upload: a zip from the drop zone or the file picker ----

/**
 * Sends the archive with XMLHttpRequest, whose upload progress fetch does not
 * give, showing the bytes sent in the job card's `upload` row; once the service
 * has it all (202), the job's own events take over: unpacking, then each split.
 */
/** A byte count as people read it: 4.0 KB, 153.7 MB, 32.0 GB. */
function sizeOf(bytes) {
  const [unit, scale] = bytes >= 1073741824 ? ['GB', 1073741824] : bytes >= 1048576 ? ['MB', 1048576] : ['KB', 1024];
  return `${(bytes / scale).toFixed(1)} ${unit}`;
}

function uploadArchive(file, asked = false) {
  if (file.size > maxUploadBytes) {
    $('#upload-error').textContent = `${file.name} is ${sizeOf(file.size)}; this service takes at most ${sizeOf(maxUploadBytes)} (MAX_UPLOAD_BYTES)`;
    return;
  }
  if (tokenRequired && !sessionStorage.getItem(TOKEN_KEY) && !askForToken()) return;
  const form = new FormData($('#upload-form'));
  const query = new URLSearchParams({ thumbnails: form.get('thumbnails') });
  if (form.get('dataset_name')) query.set('dataset_name', form.get('dataset_name'));
  const body = new FormData();
  body.append('file', file, file.name);
  $('#upload-error').textContent = '';
  resetJob(`uploading ${file.name}`, ['upload']);
  $('#job-cancel').hidden = true;
  const row = $('#stages [data-stage="upload"]');
  const xhr = new XMLHttpRequest();
  xhr.open('POST', `/datasets/upload?${query}`);
  for (const [name, value] of Object.entries(withToken())) xhr.setRequestHeader(name, value);
  xhr.responseType = 'json';
  xhr.upload.addEventListener('progress', (e) => {
    setStage(row, { stage: 'upload', current: e.loaded, total: e.lengthComputable ? e.total : null });
    $('#job-message').textContent = `sending ${sizeOf(e.loaded)}${e.lengthComputable ? ` of ${sizeOf(e.total)}` : ''}…`;
  });
  xhr.addEventListener('load', () => {
    if (xhr.status === 401 && !asked && askForToken()) {
      uploadArchive(file, true);
      return;
    }
    if (xhr.status === 202) {
      showJob(xhr.response.job_id, 'upload');
      loadDatasets();
      return;
    }
    const message = xhr.response?.error?.message ?? `${xhr.status} ${xhr.statusText}`;
    $('#upload-error').textContent = message;
    $('#job-message').textContent = `failed: ${message}`;
    $('#job-message').className = 'error';
    loadDatasets();
  });
  xhr.addEventListener('error', () => {
    $('#upload-error').textContent = 'the upload was cut off before the service answered';
  });
  xhr.send(body);
}

{
  const zone = $('#drop-zone');
  const input = $('#upload-file');
  input.addEventListener('change', () => {
    if (input.files.length > 0) uploadArchive(input.files[0]);
    input.value = '';
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    if (!/\.zip$/i.test(file.name)) {
      $('#upload-error').textContent = `${file.name} is not a .zip`;
      return;
    }
    uploadArchive(file);
  });
  $('#upload-form').addEventListener('submit', (e) => e.preventDefault());
}

$('#ingest-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { annotation_path: form.get('annotation_path') };
  if (form.get('image_dir')) body.image_dir = form.get('image_dir');
  if (form.get('mask_dir')) body.mask_dir = form.get('mask_dir');
  if (form.get('dataset_name')) body.dataset_name = form.get('dataset_name');
  if (form.get('dataset_id')) body.dataset_id = Number(form.get('dataset_id'));
  if (form.get('split')) body.split = form.get('split');
  body.thumbnails = form.get('thumbnails');
  $('#form-error').textContent = '';
  try {
    const job = await api('/datasets/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    showJob(job.job_id);
    loadDatasets();
  } catch (err) {
    $('#form-error').textContent = err.message;
  }
});

// ---- one dataset: thumbnail grid ----

/** The grid's loading state: which query it follows and where the next page starts. */
let gridState = null;

async function showDataset(id, params) {
  const dataset = await api(`/datasets/${id}`);
  $('#dataset-title').textContent = `${dataset.name} · ${dataset.status}`;
  const category = params.get('category') ?? '';
  const split = params.get('split') ?? '';
  fillSelect($('#filter-category'), dataset.categories.map((c) => c.name), category);
  fillSelect($('#filter-split'), dataset.split_names, split);
  const go = () => {
    const q = new URLSearchParams({ category: $('#filter-category').value, split: $('#filter-split').value });
    for (const [key, value] of [...q]) if (value === '') q.delete(key);
    location.hash = `#/datasets/${id}?${q}`;
  };
  $('#filter-category').onchange = go;
  $('#filter-split').onchange = go;
  // The export takes the same filters: what the grid shows goes out as a dataset of its own.
  const exportQuery = new URLSearchParams({ split, category });
  for (const [key, value] of [...exportQuery]) if (value === '') exportQuery.delete(key);
  $('#dataset-export').href = `/datasets/${id}/export?${exportQuery}`;
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
  gridState = { id, query, colours, cursor: null, done: false, loading: false, filling: false, loaded: 0, total: null };
  $('#grid').replaceChildren();
  await loadMore(gridState);
  watchGridEnd();
}

/** Appends the next page of the grid (by cursor), unless it is at its end or already loading. */
async function loadMore(state) {
  if (state.done || state.loading || state !== gridState) return;
  state.loading = true;
  try {
    const query = new URLSearchParams(state.query);
    if (state.cursor) query.set('cursor', state.cursor);
    const page = await api(`/samples?${query}`);
    if (state !== gridState) return;
    if (page.total !== undefined) state.total = page.total;
    state.cursor = page.next_cursor;
    state.done = page.next_cursor === null;
    state.loaded += page.items.length;
    $('#grid').append(...page.items.map((s) => tile(state, s)));
    $('#page-info').textContent = state.total === 0 ? 'no samples' : `${state.loaded} of ${state.total}`;
    $('#grid-end').textContent = state.done ? (state.total === 0 ? '' : 'end of the dataset') : 'loading more as you scroll…';
  } finally {
    state.loading = false;
  }
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
  }
}

/** One sample of the grid: its small thumbnail with its boxes drawn over it. */
function tile(state, s) {
  const { id, colours } = state;
  const picture = s.image_error
    ? el('div', { class: 'failed', title: s.image_error.message }, s.image_error.code)
    : el('div', { class: 'thumb' },
        el('img', { src: `/images/${id}/${s.id}?size=small`, alt: s.file_name, loading: 'lazy', width: 128, height: 128 }),
        boxesOver(s, colours));
  return el('a', { href: `#/datasets/${id}/samples/${s.id}`, title: s.file_name }, picture, el('span', {}, s.file_name));
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

/** The dataset's statistics as bar charts, per split. */
async function showStats(id) {
  const stats = await api(`/datasets/${id}/stats`);
  $('#stats-body').replaceChildren(
    ...stats.splits.flatMap((split) => [
      chart(`${split.name}: annotations per category`, split.categories.slice(0, 30).map((c) => [c.name, c.annotations])),
      chart(`${split.name}: images per category`, split.categories.slice(0, 30).map((c) => [c.name, c.images])),
      chart(`${split.name}: annotations per image (mean ${split.annotations_per_image.mean.toFixed(1)})`, split.annotations_per_image.histogram.map((b) => [b.label, b.images])),
      chart(`${split.name}: COCO area classes`, Object.entries(split.area)),
    ]),
  );
}

function chart(title, rows) {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return el('div', { class: 'chart' }, el('h3', {}, title),
    ...rows.map(([label, n]) => {
      const fill = el('div', { class: 'fill' });
      // Through the CSSOM: the page's Content-Security-Policy refuses style attributes.
      fill.style.width = `${(100 * n) / max}%`;
      return el('div', { class: 'bar' }, el('span', { title: label }, label), el('div', {}, fill), el('span', {}, n.toLocaleString()));
    }));
}

function fillSelect(select, values, selected, none = 'all') {
  select.replaceChildren(el('option', { value: '' }, none), ...values.map((v) => el('option', { value: v }, v)));
  select.value = selected;
}

// ---- one sample: image with its annotations drawn over it ----

const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990'];

/** The dataset a sample view needs (categories, prediction sets), fetched once per dataset. */
let datasetCache = { id: null, dataset: null };
async function datasetOf(id) {
  if (datasetCache.id !== id) datasetCache = { id, dataset: await api(`/datasets/${id}`) };
  return datasetCache.dataset;
}

/** A category's own colour (panoptic's `color`), else one of the palette's. */
function colourOf(category, i) {
  return Array.isArray(category?.color) ? `rgb(${category.color.join(',')})` : COLOURS[i % COLOURS.length];
}

/**
 * An RLE mask as one SVG path: a 1-pixel-wide rectangle per run of ones, column
 * by column (COCO's RLE runs down the columns).
 */
function maskPath(segmentation) {
  const [height, width] = segmentation.size;
  const counts = typeof segmentation.counts === 'string' ? rleFromString(segmentation.counts) : segmentation.counts;
  const mask = decodeMask(counts, height, width);
  let d = '';
  for (let x = 0; x < width; x++) {
    let y = 0;
    while (y < height) {
      if (!mask[x * height + y]) {
        y++;
        continue;
      }
      const start = y;
      while (y < height && mask[x * height + y]) y++;
      d += `M${x} ${start}h1v${y - start}h-1z`;
    }
  }
  return d;
}

/** The shapes of one annotation or prediction: its mask or polygons, keypoints and skeleton, box and label. */
function drawAnnotation(svg, a, { colour, category, fontSize, label, predicted }) {
  const group = el('g', { class: predicted ? 'prediction' : 'truth' });
  const seg = a.segmentation;
  if (Array.isArray(seg)) {
    for (const poly of seg) {
      const points = [];
      for (let k = 0; k + 1 < poly.length; k += 2) points.push(`${poly[k]},${poly[k + 1]}`);
      group.append(el('polygon', { points: points.join(' '), fill: colour, stroke: colour, 'vector-effect': 'non-scaling-stroke' }));
    }
  } else if (seg && typeof seg === 'object' && Array.isArray(seg.size)) {
    group.append(el('path', { d: maskPath(seg), fill: colour, class: 'mask', 'data-id': a.coco_id ?? a.id }));
  }
  if (Array.isArray(a.keypoints)) drawKeypoints(group, a.keypoints, category, colour, fontSize);
  // Stuff segments (panoptic's `isthing: 0`) cover the background: a box says nothing about them.
  if (a.bbox && category?.isthing !== 0) {
    const [x, y, w, h] = a.bbox;
    group.append(el('rect', { x, y, width: w, height: h, stroke: colour, class: 'box', 'vector-effect': 'non-scaling-stroke' }));
    if (label) group.append(el('text', { x: x + 2, y: y + fontSize, 'font-size': fontSize }, label));
  }
  svg.append(group);
}

/** Keypoints `[x, y, v, ...]`: visible (v = 2) filled, labelled but occluded (v = 1) hollow, unlabelled (0) not drawn. */
function drawKeypoints(group, keypoints, category, colour, fontSize) {
  const at = (k) => ({ x: keypoints[3 * k], y: keypoints[3 * k + 1], v: keypoints[3 * k + 2] });
  for (const [from, to] of category?.skeleton ?? []) {
    const a = at(from - 1);
    const b = at(to - 1);
    if (a.v > 0 && b.v > 0) group.append(el('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: colour, class: 'skeleton', 'vector-effect': 'non-scaling-stroke' }));
  }
  for (let k = 0; k < keypoints.length / 3; k++) {
    const p = at(k);
    if (p.v === 0) continue;
    const point = el('circle', { cx: p.x, cy: p.y, r: fontSize / 4, stroke: colour, class: p.v === 2 ? 'kp-visible' : 'kp-occluded', 'vector-effect': 'non-scaling-stroke' });
    if (p.v === 2) point.setAttribute('fill', colour);
    point.append(el('title', {}, `${category?.keypoints?.[k] ?? `keypoint ${k + 1}`}${p.v === 1 ? ' (occluded)' : ''}`));
    group.append(point);
  }
}

function listItem(a, colour, text) {
  const item = el('li', {}, text, a.bbox ? el('span', { class: 'muted' }, ` [${a.bbox.map((v) => Math.round(v)).join(', ')}]`) : '');
  // Through the CSSOM: the page's CSP forbids inline style attributes.
  item.style.borderLeftColor = colour;
  return item;
}

async function showSample(datasetId, sampleId, params) {
  $('#sample-back').href = `#/datasets/${datasetId}`;
  const [dataset, sample, { items }] = await Promise.all([
    datasetOf(datasetId),
    api(`/samples/${sampleId}?dataset_id=${datasetId}`),
    api(`/samples/${sampleId}/annotations?dataset_id=${datasetId}`),
  ]);
  const categories = new Map(dataset.categories.map((c) => [c.id, c]));
  const setName = params.get('predictions') ?? '';
  const minScore = Number(params.get('min_score') ?? 0);
  const sets = dataset.prediction_sets.filter((p) => p.status === 'ready').map((p) => p.name);
  fillSelect($('#prediction-set'), sets, setName, 'none');
  $('#prediction-controls').hidden = sets.length === 0;
  $('#min-score').value = String(minScore);
  $('#min-score-value').textContent = minScore.toFixed(2);
  const go = () => {
    const q = new URLSearchParams();
    if ($('#prediction-set').value) {
      q.set('predictions', $('#prediction-set').value);
      if (Number($('#min-score').value) > 0) q.set('min_score', $('#min-score').value);
    }
    location.hash = `#/datasets/${datasetId}/samples/${sampleId}${q.size > 0 ? `?${q}` : ''}`;
  };
  $('#prediction-set').onchange = go;
  $('#min-score').onchange = go;
  $('#min-score').oninput = () => ($('#min-score-value').textContent = Number($('#min-score').value).toFixed(2));
  const predictions = setName
    ? (await api(`/samples/${sampleId}/annotations?dataset_id=${datasetId}&predictions=${encodeURIComponent(setName)}&min_score=${minScore}`)).items
    : [];
  const name = sample.file_name ?? sample.coco_url ?? `image ${sample.coco_id}`;
  $('#sample-title').textContent = `${name} · ${sample.width}×${sample.height} · ${sample.split}`;
  const colour = (a, i) => colourOf(categories.get(a.category_id), i);
  $('#annotations').replaceChildren(
    ...items.map((a, i) => listItem(a, colour(a, i), a.caption ?? `${a.category_name ?? 'annotation'}${a.iscrowd ? ' (crowd)' : ''}`)),
    ...predictions.map((p) => listItem(p, '#111', `${p.caption ?? p.category_name ?? 'prediction'} ${p.score === null ? '' : p.score.toFixed(2)} (predicted)`)),
  );
  const figure = $('#figure');
  if (sample.image_error && !sample.image_error.code.startsWith('MASK_')) {
    figure.replaceChildren(el('p', { class: 'error' }, `${sample.image_error.code}: ${sample.image_error.message}`));
    return;
  }
  // Annotations are in the original image's pixels: the overlay's viewBox is the original size.
  const svg = el('svg', { viewBox: `0 0 ${sample.width} ${sample.height}`, preserveAspectRatio: 'none' });
  const fontSize = Math.max(sample.width, sample.height) / 40;
  items.forEach((a, i) => {
    const category = categories.get(a.category_id);
    drawAnnotation(svg, a, { colour: colour(a, i), category, fontSize, label: a.category_name, predicted: false });
  });
  for (const p of predictions) {
    const category = categories.get(p.category_id);
    drawAnnotation(svg, p, { colour: '#111', category, fontSize, label: `${p.category_name ?? ''} ${p.score?.toFixed(2) ?? ''}`.trim(), predicted: true });
  }
  figure.replaceChildren(el('img', { src: `/images/${datasetId}/${sampleId}?size=large`, alt: name }), svg);
}

// ---- routing ----

async function route() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const sample = /^\/datasets\/(\d+)\/samples\/(\d+)$/.exec(path);
  const dataset = /^\/datasets\/(\d+)$/.exec(path);
  $('#home').hidden = Boolean(sample || dataset);
  $('#dataset').hidden = !dataset;
  $('#sample').hidden = !sample;
  try {
    if (sample) await showSample(Number(sample[1]), Number(sample[2]), params);
    else if (dataset) await showDataset(Number(dataset[1]), params);
    else await loadDatasets();
  } catch (err) {
    document.title = `coco-ingest: ${err.message}`;
  }
}

window.addEventListener('hashchange', route);
/** The largest upload the service takes, from /healthz: a larger file is refused before a byte is sent. */
let maxUploadBytes = Infinity;
/** Whether changes need API_TOKEN, from /healthz: an upload asks for it before sending, not after its 401. */
let tokenRequired = false;
api('/healthz').then(
  (h) => {
    $('#health').textContent = `${h.workers} thumbnail workers · ${h.jobs} running job(s)`;
    maxUploadBytes = h.max_upload_bytes ?? Infinity;
    tokenRequired = h.token_required === true;
  },
  () => ($('#health').textContent = 'service unavailable'),
);
route();
