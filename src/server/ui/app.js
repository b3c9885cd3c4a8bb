// The browser view of coco-ingest: start an ingest or upload a zip and watch it
// live (EventSource), list datasets, page through a dataset's thumbnails by
// category and split, and look at one image with its annotations drawn over it
// and a prediction set over them above a score, and evaluate a prediction
// set: its numbers, charts and confusion, and its errors in the grid and on
// each image. Plain DOM and ES modules, no
// build step; every value from the server is set with textContent or
// attributes, never as HTML. This module routes by the URL's hash.
import { loadHealth } from './api.js';
import { showComparison } from './comparison.js';
import { showDataset } from './dataset.js';
import { $ } from './dom.js';
import { showEvaluation } from './evaluation.js';
import { initIngestForm, loadDatasets, watchIngestingDatasets } from './home.js';
import { showJob } from './job.js';
import { initJobsPage } from './jobs.js';
import { onJobs, startJobsPoll } from './jobsPoll.js';
import { showQuality } from './quality.js';
import { showSample } from './sample.js';
import { initUploads } from './upload.js';

async function route() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const sample = /^\/datasets\/(\d+)\/samples\/(\d+)$/.exec(path);
  const dataset = /^\/datasets\/(\d+)$/.exec(path);
  const evaluation = /^\/datasets\/(\d+)\/evaluations\/([^/]+)$/.exec(path);
  const comparison = /^\/datasets\/(\d+)\/compare$/.exec(path);
  const quality = /^\/datasets\/(\d+)\/quality$/.exec(path);
  const jobs = path === '/jobs';
  // A job followed from the Jobs page: the home page, its card following it.
  const job = /^\/jobs\/([0-9a-f-]+)$/.exec(path);
  $('#home').hidden = Boolean(sample || dataset || evaluation || comparison || jobs || quality);
  $('#quality').hidden = !quality;
  $('#dataset').hidden = !dataset;
  $('#evaluation').hidden = !evaluation;
  $('#comparison').hidden = !comparison;
  $('#sample').hidden = !sample;
  $('#jobs').hidden = !jobs;
  try {
    if (sample) await showSample(Number(sample[1]), Number(sample[2]), params);
    else if (dataset) await showDataset(Number(dataset[1]), params);
    else if (evaluation) await showEvaluation(Number(evaluation[1]), decodeURIComponent(evaluation[2]), params);
    else if (comparison) await showComparison(Number(comparison[1]), params.get('a') ?? '', params.get('b') ?? '');
    else if (quality) await showQuality(Number(quality[1]));
    else if (jobs) return;
    else {
      if (job) showJob(job[1], params.get('kind') ?? 'ingest', loadDatasets);
      await loadDatasets();
    }
  } catch (err) {
    document.title = `coco-ingest: ${err.message}`;
  }
}

window.addEventListener('hashchange', route);
initIngestForm();
initUploads();
initJobsPage();
watchIngestingDatasets();
loadHealth().then(
  (h) => ($('#health').textContent = `${h.workers} thumbnail workers`),
  () => ($('#health').textContent = 'service unavailable'),
);
// The header's count of running jobs, live: from the page's poll of GET /jobs.
onJobs((items) => {
  const running = items.filter((j) => j.status === 'running').length;
  $('#running-jobs').textContent = `${running} running job(s)`;
});
startJobsPoll();
route();
