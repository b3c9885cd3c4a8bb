// The home page: the ingest form and the list of datasets.
import { api } from './api.js';
import { $, el } from './dom.js';
import { showJob } from './job.js';

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
  const select = $('#ingest-form select[name="dataset_id"]');
  select.replaceChildren(el('option', { value: '' }, 'a new dataset'), ...items.map((d) => el('option', { value: d.id }, `${d.name} (#${d.id})`)));
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
    } catch (err) {
      $('#form-error').textContent = err.message;
    }
  });
}
