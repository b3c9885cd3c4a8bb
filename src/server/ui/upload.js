// Uploads: a zip from the drop zone or the file picker.
import { askForToken, service, TOKEN_KEY, withToken } from './api.js';
import { $ } from './dom.js';
import { loadDatasets } from './home.js';
import { resetJob, setStage, showJob } from './job.js';

/** A byte count as people read it: 4.0 KB, 153.7 MB, 32.0 GB. */
function sizeOf(bytes) {
  const [unit, scale] = bytes >= 1073741824 ? ['GB', 1073741824] : bytes >= 1048576 ? ['MB', 1048576] : ['KB', 1024];
  return `${(bytes / scale).toFixed(1)} ${unit}`;
}

/**
 * Sends the archive with XMLHttpRequest, whose upload progress fetch does not
 * give, showing the bytes sent in the job card's `upload` row; once the service
 * has it all (202), the job's own events take over: unpacking, then each split.
 */
function uploadArchive(file, asked = false) {
  if (file.size > service.maxUploadBytes) {
    $('#upload-error').textContent = `${file.name} is ${sizeOf(file.size)}; this service takes at most ${sizeOf(service.maxUploadBytes)} (MAX_UPLOAD_BYTES)`;
    return;
  }
  if (service.tokenRequired && !sessionStorage.getItem(TOKEN_KEY) && !askForToken()) return;
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
      showJob(xhr.response.job_id, 'upload', loadDatasets);
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

/** The drop zone and the file picker: a .zip dropped or chosen is uploaded. */
export function initUploads() {
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
