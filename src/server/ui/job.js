// The job card: titled with the dataset's name and split, a bar for the whole
// job and one per stage fed by the job's event stream (EventSource), each with
// its percentage, rate and time left; the tab's title shows the percentage,
// and the end is announced (an aria-live region). Its cancel button stops it.
import { api } from './api.js';
import { $, el } from './dom.js';
import { formatRate, formatSeconds, percent } from './format.js';
import { subjectOf } from './jobs.js';
import { pollNow } from './jobsPoll.js';

const STAGES = ['categories', 'images', 'annotations', 'thumbnails'];
const PAGE_TITLE = 'coco-ingest';

/** The event stream of the job shown. */
let source = null;
/** The job's latest fraction, for the tab's title; null before its first event. */
let shown = null;

/** The tab's title: the job's percentage and its title, so a background tab tells how far along it is. */
function setTabTitle() {
  if (shown !== null) document.title = `${percent(shown)} · ${$('#job-title').textContent} · ${PAGE_TITLE}`;
}

const meter = () => el('div', { class: 'meter', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, el('div', { class: 'fill' }));

const stageRow = (stage) =>
  el(
    'div',
    { class: 'stage', 'data-stage': stage },
    el('span', { class: 'name' }, stage),
    ' ',
    el('span', { class: 'muted count' }, ''),
    ' ',
    el('span', { class: 'figures' }, ''),
    meter(),
  );

/** Fills a bar to `fraction` (0 to 1), or shows it unknown (null). */
function setMeter(bar, fraction) {
  bar.classList.toggle('unknown', fraction === null);
  bar.querySelector('.fill').style.width = `${fraction === null ? 0 : fraction * 100}%`;
  if (fraction === null) bar.removeAttribute('aria-valuenow');
  else bar.setAttribute('aria-valuenow', String(Math.floor(fraction * 100)));
}

/**
 * Shows a stage's figures in its row: `current / total`, its percentage, rate
 * and time left, and its bar, full only once the stage is done (unknown while
 * its total is).
 */
export function setStage(row, p) {
  row.querySelector('.name').textContent = p.split ? `${p.split} · ${p.stage}` : p.stage;
  row.querySelector('.count').textContent = p.total === null ? `${p.current}` : `${p.current} / ${p.total}`;
  const fraction = p.done ? 1 : p.total === null ? null : p.total === 0 ? 0 : Math.min(p.current / p.total, 0.999);
  const rate = typeof p.rate === 'number' ? p.rate : null;
  const left = !p.done && p.total !== null && rate !== null && rate > 0 ? (p.total - p.current) / rate : null;
  row.querySelector('.figures').textContent = [
    fraction === null ? '' : percent(fraction),
    rate === null ? '' : formatRate(p.stage, rate),
    left === null ? '' : `${formatSeconds(left)} left`,
  ]
    .filter(Boolean)
    .join(' · ');
  setMeter(row.querySelector('.meter'), fraction);
}

/** The whole job's bar, and the tab's title: its percentage and time left. */
function setOverall(p) {
  if (typeof p.fraction !== 'number') return;
  setMeter($('#job-overall .meter'), p.fraction);
  const left = typeof p.eta_seconds === 'number' ? `${formatSeconds(p.eta_seconds)} left` : 'time left unknown';
  $('#job-overall .figures').textContent = `${percent(p.fraction)} · ${left}`;
  shown = p.fraction;
  setTabTitle();
}

/** The job card, emptied, with a row per stage the job will have. */
export function resetJob(title, stageNames) {
  source?.close();
  $('#job').hidden = false;
  $('#job-title').replaceChildren(title);
  shown = null;
  $('#job-message').textContent = 'waiting for the first event…';
  $('#job-message').className = '';
  $('#job-announce').textContent = '';
  setMeter($('#job-overall .meter'), 0);
  $('#job-overall .figures').textContent = '';
  $('#stages').replaceChildren(...stageNames.map(stageRow));
}

/** Titles the card with the job's dataset and split (or prediction set, or archive). */
async function titleJob(jobId) {
  const job = await api(`/jobs/${jobId}`);
  const dataset = await api(`/datasets/${job.dataset_id}`).catch(() => ({ name: `dataset ${job.dataset_id}` }));
  $('#job-title').replaceChildren(`${dataset.name} · ${subjectOf(job)}`);
  setTabTitle();
  return job;
}

/** Shows a job and follows its events to its end; `onEnd` runs after its terminal event. */
export function showJob(jobId, kind = 'ingest', onEnd = () => undefined) {
  resetJob(`job ${jobId}`, kind === 'upload' ? ['upload', 'unpack', ...STAGES] : STAGES);
  const titled = titleJob(jobId).catch(() => null);
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
    setOverall(p);
    $('#job-message').textContent = p.message;
  });
  source.addEventListener('warning', (e) => {
    $('#job-message').textContent = `warning: ${JSON.parse(e.data).message}`;
  });
  for (const name of ['complete', 'failed', 'cancelled']) {
    source.addEventListener(name, async (e) => {
      const data = JSON.parse(e.data);
      source.close();
      $('#job-cancel').hidden = true;
      if (name === 'complete') setOverall({ fraction: 1, eta_seconds: 0 });
      $('#job-message').textContent = `${name}: ${data.message}`;
      $('#job-message').className = name === 'complete' ? 'status-ready' : 'error';
      const job = await titled;
      const title = $('#job-title').textContent;
      // A complete job's dataset is ready: the title leads to it.
      if (name === 'complete' && job) $('#job-title').replaceChildren(el('a', { href: `#/datasets/${job.dataset_id}` }, title));
      shown = null;
      document.title = `${name} · ${title} · ${PAGE_TITLE}`;
      $('#job-announce').textContent = `${title}: ${name}. ${data.message}`;
      pollNow();
      onEnd();
    });
  }
}
