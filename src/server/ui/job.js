// The job card: a row per stage fed by the job's event stream (EventSource),
// its message, and its cancel button.
import { api } from './api.js';
import { $, el } from './dom.js';

const STAGES = ['categories', 'images', 'annotations', 'thumbnails'];

/** The event stream of the job shown. */
let source = null;

const stageRow = (stage) =>
  el('div', { class: 'stage', 'data-stage': stage }, el('span', { class: 'name' }, stage), ' ', el('span', { class: 'muted count' }, ''), el('progress', { max: 1 }));

/** Shows a stage's figures in its row: `current / total` and the bar (indeterminate while the total is unknown). */
export function setStage(row, p) {
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
export function resetJob(title, stageNames) {
  source?.close();
  $('#job').hidden = false;
  $('#job-id').textContent = title;
  $('#job-message').textContent = 'waiting for the first event…';
  $('#job-message').className = '';
  $('#stages').replaceChildren(...stageNames.map(stageRow));
}

/** Shows a job and follows its events to its end; `onEnd` runs after its terminal event. */
export function showJob(jobId, kind = 'ingest', onEnd = () => undefined) {
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
      onEnd();
    });
  }
}
