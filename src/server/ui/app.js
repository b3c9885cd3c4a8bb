// The browser view of coco-ingest: start an ingest and watch it live (EventSource),
// list datasets, page through a dataset's thumbnails by category and split, and
// look at one image with its annotations drawn over it. Plain DOM, no build step;
// every value from the server is set with textContent or attributes, never as HTML.

const STAGES = ['categories', 'images', 'annotations', 'thumbnails'];
const PAGE = 48;
const $ = (selector) => document.querySelector(selector);

/** Creates an element with attributes and children (strings become text). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(
    ['svg', 'rect', 'polygon', 'text'].includes(tag) ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml',
    tag,
  );
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

async function api(path, init) {
  const response = await fetch(path, init);
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
  return body;
}

// ---- home: ingest form, live job, datasets ----

let source = null;

function showJob(jobId) {
  source?.close();
  $('#job').hidden = false;
  $('#job-id').textContent = jobId;
  $('#job-message').textContent = 'waiting for the first event…';
  $('#job-message').className = '';
  const stages = $('#stages');
  stages.replaceChildren(
    ...STAGES.map((stage) =>
      el('div', { class: 'stage', 'data-stage': stage }, el('span', {}, stage), ' ', el('span', { class: 'muted count' }, ''), el('progress', { max: 1 })),
    ),
  );
  $('#job-cancel').hidden = false;
  $('#job-cancel').onclick = () => api(`/jobs/${jobId}`, { method: 'DELETE' }).catch(() => undefined);
  source = new EventSource(`/jobs/${jobId}/events`);
  source.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    const row = stages.querySelector(`[data-stage="${p.stage}"]`);
    if (row) {
      row.querySelector('.count').textContent = p.total === null ? `${p.current}` : `${p.current} / ${p.total}`;
      const bar = row.querySelector('progress');
      if (p.total === null) bar.removeAttribute('value');
      else {
        bar.max = Math.max(p.total, 1);
        bar.value = p.total === 0 ? 1 : p.current;
      }
    }
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

$('#ingest-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { annotation_path: form.get('annotation_path'), image_dir: form.get('image_dir') };
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

async function showDataset(id, params) {
  const dataset = await api(`/datasets/${id}`);
  $('#dataset-title').textContent = `${dataset.name} · ${dataset.status}`;
  const category = params.get('category') ?? '';
  const split = params.get('split') ?? '';
  const offset = Number(params.get('offset') ?? 0);
  fillSelect($('#filter-category'), dataset.categories.map((c) => c.name), category);
  fillSelect($('#filter-split'), dataset.split_names, split);
  const go = (next) => {
    const q = new URLSearchParams({ category: $('#filter-category').value, split: $('#filter-split').value, offset: String(next) });
    for (const [key, value] of [...q]) if (value === '' || value === '0') q.delete(key);
    location.hash = `#/datasets/${id}?${q}`;
  };
  $('#filter-category').onchange = () => go(0);
  $('#filter-split').onchange = () => go(0);
  const query = new URLSearchParams({ dataset_id: String(id), offset: String(offset), limit: String(PAGE) });
  if (category) query.set('category', category);
  if (split) query.set('split', split);
  const page = await api(`/samples?${query}`);
  $('#page-info').textContent = page.total === 0 ? 'no samples' : `${offset + 1}–${offset + page.items.length} of ${page.total}`;
  $('#page-prev').disabled = offset === 0;
  $('#page-next').disabled = offset + PAGE >= page.total;
  $('#page-prev').onclick = () => go(Math.max(0, offset - PAGE));
  $('#page-next').onclick = () => go(offset + PAGE);
  $('#grid').replaceChildren(
    ...page.items.map((s) =>
      el(
        'a',
        { href: `#/datasets/${id}/samples/${s.id}`, title: s.file_name },
        s.image_error
          ? el('div', { class: 'failed', title: s.image_error.message }, s.image_error.code)
          : el('img', { src: `/images/${id}/${s.id}?size=small`, alt: s.file_name, loading: 'lazy', width: 128, height: 128 }),
        el('span', {}, s.file_name),
      ),
    ),
  );
}

function fillSelect(select, values, selected) {
  select.replaceChildren(el('option', { value: '' }, 'all'), ...values.map((v) => el('option', { value: v }, v)));
  select.value = selected;
}

// ---- one sample: image with its annotations drawn over it ----

const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990'];

async function showSample(datasetId, sampleId) {
  $('#sample-back').href = `#/datasets/${datasetId}`;
  const [sample, { items }] = await Promise.all([
    api(`/samples/${sampleId}?dataset_id=${datasetId}`),
    api(`/samples/${sampleId}/annotations?dataset_id=${datasetId}`),
  ]);
  $('#sample-title').textContent = `${sample.file_name} · ${sample.width}×${sample.height} · ${sample.split}`;
  $('#annotations').replaceChildren(
    ...items.map((a, i) => {
      const item = el(
        'li',
        {},
        a.caption ?? `${a.category_name ?? 'annotation'}${a.iscrowd ? ' (crowd)' : ''}`,
        a.bbox ? el('span', { class: 'muted' }, ` [${a.bbox.map((v) => Math.round(v)).join(', ')}]`) : '',
      );
      // Through the CSSOM: the page's CSP forbids inline style attributes.
      item.style.borderLeftColor = COLOURS[i % COLOURS.length];
      return item;
    }),
  );
  const figure = $('#figure');
  if (sample.image_error) {
    figure.replaceChildren(el('p', { class: 'error' }, `${sample.image_error.code}: ${sample.image_error.message}`));
    return;
  }
  // Annotations are in the original image's pixels: the overlay's viewBox is the original size.
  const svg = el('svg', { viewBox: `0 0 ${sample.width} ${sample.height}`, preserveAspectRatio: 'none' });
  const fontSize = Math.max(sample.width, sample.height) / 40;
  items.forEach((a, i) => {
    const colour = COLOURS[i % COLOURS.length];
    if (Array.isArray(a.segmentation)) {
      for (const poly of a.segmentation) {
        const points = [];
        for (let k = 0; k + 1 < poly.length; k += 2) points.push(`${poly[k]},${poly[k + 1]}`);
        svg.append(el('polygon', { points: points.join(' '), fill: colour, stroke: colour, 'vector-effect': 'non-scaling-stroke' }));
      }
    }
    if (a.bbox) {
      const [x, y, w, h] = a.bbox;
      svg.append(el('rect', { x, y, width: w, height: h, stroke: colour, class: 'box', 'vector-effect': 'non-scaling-stroke' }));
      if (a.category_name) svg.append(el('text', { x: x + 2, y: y + fontSize, 'font-size': fontSize }, a.category_name));
    }
  });
  figure.replaceChildren(el('img', { src: `/images/${datasetId}/${sampleId}?size=large`, alt: sample.file_name }), svg);
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
    if (sample) await showSample(Number(sample[1]), Number(sample[2]));
    else if (dataset) await showDataset(Number(dataset[1]), params);
    else await loadDatasets();
  } catch (err) {
    document.title = `coco-ingest: ${err.message}`;
  }
}

window.addEventListener('hashchange', route);
api('/healthz').then(
  (h) => ($('#health').textContent = `${h.workers} thumbnail workers · ${h.jobs} running job(s)`),
  () => ($('#health').textContent = 'service unavailable'),
);
route();
