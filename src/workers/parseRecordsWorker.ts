import { AppError } from '../errors.js';
import type { RecordReader } from '../formats/AnnotationFormat.js';
import { ANNOTATION_FORMATS } from '../formats/formatRegistry.js';
import { parseRecordRun } from '../formats/parseRecordRun.js';
import type { RecordRunOutcome, RecordRunTask } from '../formats/RecordRunParser.js';
import { annotationCheckFlags } from '../quality/annotationCheckFlags.js';

/**
 * The parse worker (piscina's default export): parses and normalises one run of
 * records with its format's reader, exactly as the main thread would
 * ({@link parseRecordRun}). The file's faults come back as `{ ok: false, code, message }`.
 *
 * What goes back is structured-cloned into the main thread, so an annotation's
 * parsed segmentation is dropped when its text was kept (`segmentationJson`,
 * which is all the writer stores): cloning it back would cost about what parsing it did.
 */
export default function parseRecords(task: RecordRunTask): RecordRunOutcome {
  const format = ANNOTATION_FORMATS.find((f) => f.id === task.formatId);
  const reader = format?.sections[task.section];
  if (!reader) return { ok: false, code: 'INVALID_ANNOTATION_FILE', message: `${task.file}: ${task.section}: a ${task.formatId} file has no such array` };
  const buffer = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const run = {
    section: task.section,
    firstIndex: task.firstIndex,
    count: task.bounds.length / 2,
    buffer,
    bounds: Array.from(task.bounds),
    fileOffset: task.fileOffset,
  };
  try {
    const parsed = parseRecordRun(run, task.file, (): RecordReader => reader, task.skipping);
    for (const event of parsed.events) {
      if (event.kind === 'annotation') event.record.check_flags = annotationCheckFlags(event.record);
      if ((event.kind === 'annotation' || event.kind === 'result') && event.record.segmentationJson != null) event.record.segmentation = null;
    }
    return { ok: true, events: parsed.events, invalid: parsed.invalid.map((e) => ({ code: e.code, message: e.message })) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}
