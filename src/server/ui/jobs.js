// The Jobs page: recent jobs (GET /jobs) with their state and duration, each
// running one followable in the job card.
import { $, el } from './dom.js';
import { formatSeconds, percent } from './format.js';
import { onJobs } from './jobsPoll.js';

/** What a job works on: its split, its prediction set or its archive. */
export const subjectOf = (job) => job.split ?? (job.predictions ? `predictions ${job.predictions}` : (job.archive ?? ''));

/** How long a job ran, or has been running. */
function duration(job) {
  if (!job.started_at) return '';
  const end = job.finished_at ? Date.parse(job.finished_at) : Date.now();
  return formatSeconds((end - Date.parse(job.started_at)) / 1000);
}

function jobRow(job) {
  const live = job.status === 'running' || job.status === 'queued';
  const progress = job.status === 'running' && typeof job.fraction === 'number' ? percent(job.fraction) : '';
  return el(
    'tr',
    { 'data-job': job.id, 'data-status': job.status },
    el('td', {}, el('a', { href: `#/datasets/${job.dataset_id}` }, `#${job.dataset_id}`), ' ', subjectOf(job)),
    el('td', {}, job.kind),
    el('td', { class: `status-${job.status}`, title: job.error?.message ?? '' }, job.status),
    el('td', { class: 'progress' }, progress),
    el('td', {}, job.created_at ? new Date(job.created_at).toLocaleString() : ''),
    el('td', { class: 'duration' }, duration(job)),
    el('td', {}, live ? el('a', { href: `#/jobs/${job.id}?kind=${job.kind}`, class: 'follow' }, 'follow') : ''),
  );
}

/** Fills the Jobs page's table from the jobs polled. */
export function renderJobs(jobs) {
  $('#jobs-table tbody').replaceChildren(...jobs.map(jobRow));
  $('#jobs-empty').hidden = jobs.length > 0;
}

/** Keeps the Jobs page's table up to date with every poll. */
export function initJobsPage() {
  onJobs(renderJobs);
}
