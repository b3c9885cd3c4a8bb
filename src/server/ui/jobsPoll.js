// The page's one poll of GET /jobs: every part that shows jobs (the header's
// count, the dataset list's progress, the Jobs page) listens to it, so the
// page asks once every interval however many parts show them.
import { api } from './api.js';

/** How often the page asks, in ms. */
const INTERVAL_MS = 2000;

const listeners = new Set();
let latest = null;
let timer = null;

async function poll() {
  try {
    latest = (await api('/jobs?limit=50')).items;
  } catch {
    return;
  }
  for (const listener of listeners) listener(latest);
}

/** Calls `listener` with the jobs (newest first) after every poll, and at once with the latest if there is one. */
export function onJobs(listener) {
  listeners.add(listener);
  if (latest) listener(latest);
}

/** Asks now, without waiting for the next interval (after starting or ending a job). */
export const pollNow = () => poll();

/** Starts the page's poll: it runs as long as the page is open. */
export function startJobsPoll() {
  if (timer !== null) return;
  timer = setInterval(poll, INTERVAL_MS);
  poll();
}
