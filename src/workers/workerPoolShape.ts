/** Threads and images per thread of a worker process's pool. */
export interface WorkerPoolShape {
  workers: number;
  tasksPerWorker: number;
}

/**
 * The pool of an `npm run worker` process, from the thumbnails it keeps in
 * flight (its `WORKERS`): no more threads than cores, each with an equal share
 * of the images, so that `WORKERS=1` is one image at a time and `WORKERS=8` on
 * 2 cores is 2 threads of 4 (libvips works on one image while the thread reads
 * the next).
 */
export function workerPoolShape(inFlight: number, cores: number): WorkerPoolShape {
  if (!Number.isInteger(inFlight) || inFlight < 1) throw new RangeError(`thumbnails in flight must be a positive integer, got ${inFlight}`);
  const workers = Math.max(1, Math.min(inFlight, cores));
  return { workers, tasksPerWorker: Math.ceil(inFlight / workers) };
}
