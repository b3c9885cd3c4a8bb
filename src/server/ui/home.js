// The home page: the ingest form and the list of datasets.
import { api } from './api.js';
import { $, el } from './dom.js';
import { percent } from './format.js';
import { showJob } from './job.js';
import { onJobs, pollNow } from './jobsPoll.js';

/** Lists the datasets, and offers them in the ingest form's "add to dataset". */
export async function loadDatasets() {
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
  showLive();
  const select = $('#ingest-form select[name="dataset_id"]');
  select.replaceChildren(el('option', { value: '' }, 'a new dataset'), ...items.map((d) => el('option', { value: d.id }, `${d.name} (#${d.id})`)));
}

/** Datasets with a job running or queued at the last poll, and those jobs. */
let active = new Set();
let live = [];

/** Each live job's state and percentage in its dataset's row. */
function showLive() {
  for (const job of live) {
    const cell = $(`#datasets tbody tr[data-id="${job.dataset_id}"] td:nth-child(2)`);
    if (cell) cell.textContent = job.status === 'running' && typeof job.fraction === 'number' ? `ingesting · ${percent(job.fraction)}` : job.status;
  }
}

/**
 * Shows each ingesting dataset's progress in the list, from the page's poll of
 * GET /jobs; once a dataset's jobs have all ended, the list is read again for
 * its status and counts.
 */
export function watchIngestingDatasets() {
  onJobs((jobs) => {
    live = jobs.filter((j) => j.status === 'running' || j.status === 'queued');
    const now = new Set(live.map((j) => j.dataset_id));
    showLive();
    const ended = [...active].some((id) => !now.has(id));
    const unlisted = [...now].some((id) => !$(`#datasets tbody tr[data-id="${id}"]`));
    active = now;
    if (ended || unlisted) loadDatasets().catch(() => undefined);
  });
}

/** Sends the ingest form as `POST /datasets/ingest` and follows its job. */
export function initIngestForm() {
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
      showJob(job.job_id, 'ingest', loadDatasets);
      loadDatasets();
      pollNow();
    } catch (err) {
      $('#form-error').textContent = err.message;
    }
  });
}
