/**
 * The data of a job's `complete` event, as far as the bench reads it (docs/api.md,
 * "The event stream"). `timings_ms` is kept open: the service may report more
 * phases than the three it documents, and the report prints whatever is there.
 */
export interface CompleteEvent {
  dataset_id: number;
  image_count: number;
  annotation_count: number;
  category_count: number;
  duration_ms: number;
  images_per_second: number;
  timings_ms: Record<string, unknown>;
  thumbnails: { requested: number; generated: number; failed: number; bytes: number };
  failures: Record<string, number>;
}

/**
 * Checks that `data` has the fields the bench reads and returns it typed.
 * @throws naming the first field missing or of the wrong type.
 */
export function toCompleteEvent(data: Record<string, unknown>): CompleteEvent {
  for (const field of ['dataset_id', 'image_count', 'annotation_count', 'category_count', 'duration_ms', 'images_per_second']) {
    if (typeof data[field] !== 'number') throw new Error(`complete event: ${field} is not a number: ${JSON.stringify(data)}`);
  }
  for (const field of ['timings_ms', 'thumbnails', 'failures']) {
    if (typeof data[field] !== 'object' || data[field] === null) throw new Error(`complete event: ${field} is not an object: ${JSON.stringify(data)}`);
  }
  return data as unknown as CompleteEvent;
}
