// The browser view of coco-ingest: start an ingest or upload a zip and watch it
// live (EventSource), list datasets, page through a dataset's thumbnails by
// category and split, and look at one image with its annotations drawn over it
// and a prediction set over them above a score. Plain DOM and ES modules, no
// build step; every value from the server is set with textContent or
// attributes, never as HTML. This module routes by the URL's hash.
import { loadHealth } from './api.js';
import { showDataset } from './dataset.js';
import { $ } from './dom.js';
import { initIngestForm, loadDatasets } from './home.js';
import { showSample } from './sample.js';
import { initUploads } from './upload.js';

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
initIngestForm();
initUploads();
loadHealth().then(
  (h) => ($('#health').textContent = `${h.workers} thumbnail workers · ${h.jobs} running job(s)`),
  () => ($('#health').textContent = 'service unavailable'),
);
route();
