import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AppError } from '../../src/errors.js';
import type { RecordRunParser } from '../../src/formats/RecordRunParser.js';
import { type ReadAnnotationOptions, readAnnotationFile } from '../../src/formats/readAnnotationFile.js';
import type { CocoAnnotation, CocoEvent, CocoSection } from '../../src/formats/records.js';
import { RecordParsePool } from '../../src/workers/RecordParsePool.js';

const IMAGES = 300;
const PER_IMAGE = 3;

function image(id: number): Record<string, unknown> {
  return { id, file_name: `${String(id).padStart(12, '0')}.jpg`, width: 640, height: 480, license: 1 };
}

function annotation(id: number): Record<string, unknown> {
  const imageId = Math.floor((id - 1) / PER_IMAGE) + 1;
  return { id, image_id: imageId, category_id: (id % 3) + 1, bbox: [id, 2, 30, 40], area: 1200, iscrowd: 0, segmentation: [[id, 2, id + 30, 2, id + 30, 42]] };
}

const categories = [1, 2, 3].map((id) => ({ id, name: `c${id}`, supercategory: 'thing' }));

/** The file's text; `edit` may replace an annotation (by its index) with any value or raw text. */
function cocoText(edit: (index: number, a: Record<string, unknown>) => string = (_i, a) => JSON.stringify(a)): string {
  const images = Array.from({ length: IMAGES }, (_, i) => JSON.stringify(image(i + 1)));
  const annotations = Array.from({ length: IMAGES * PER_IMAGE }, (_, i) => edit(i, annotation(i + 1)));
  return `{"info":{"year":2017},"images":[${images.join(',')}],"annotations":[${annotations.join(',')}],"categories":${JSON.stringify(categories)}}`;
}

describe('RecordParsePool', () => {
  let dir: string;
  let pool: RecordParsePool;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'parse-pool-'));
    pool = new RecordParsePool({ threads: 2 });
  });

  after(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, text: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  }

  /** Every event of the file, read in 2 KiB chunks (so that most runs go to the workers). */
  async function read(file: string, options: Partial<ReadAnnotationOptions> = {}): Promise<CocoEvent[]> {
    const out: CocoEvent[] = [];
    for await (const batch of readAnnotationFile(file, { file: 'instances.json', highWaterMark: 2048, parser: pool, ...options })) out.push(...batch);
    return out;
  }

  async function failure(file: string): Promise<string> {
    try {
      await read(file);
    } catch (err) {
      expect(err, String(err)).to.be.instanceOf(AppError);
      expect((err as AppError).code).to.equal('INVALID_ANNOTATION_FILE');
      return (err as AppError).message;
    }
    throw new Error('expected the read to fail');
  }

  it('yields every record in file order, normalised, with the segmentation as the file wrote it', async () => {
    const events = await read(await write('ok.json', cocoText()));
    const kinds = events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'image')).to.have.length(IMAGES);
    expect(kinds.filter((k) => k === 'annotation')).to.have.length(IMAGES * PER_IMAGE);
    expect(events.filter((e) => e.kind === 'end').map((e) => [e.section, e.count])).to.deep.equal([
      ['images', IMAGES],
      ['annotations', IMAGES * PER_IMAGE],
      ['categories', 3],
    ]);
    const annotations = events.flatMap((e) => (e.kind === 'annotation' ? [e] : []));
    expect(annotations.map((e) => e.index)).to.deep.equal(Array.from({ length: IMAGES * PER_IMAGE }, (_, i) => i));
    const last = annotations.at(-1)!.record as CocoAnnotation;
    const n = IMAGES * PER_IMAGE;
    expect(last).to.include({ id: n, image_id: IMAGES, category_id: (n % 3) + 1, area: 1200, iscrowd: false });
    expect(last.bbox).to.deep.equal([n, 2, 30, 40]);
    expect(last.segmentationJson).to.equal(`[[${n},2,${n + 30},2,${n + 30},42]]`);
    const images = events.flatMap((e) => (e.kind === 'image' ? [e.record] : []));
    expect(images.map((r) => r.id)).to.deep.equal(Array.from({ length: IMAGES }, (_, i) => i + 1));
  });

  it('names the file, record and field of an invalid record deep in the file, as the main thread does', async () => {
    const file = await write(
      'bad-bbox.json',
      cocoText((i, a) => JSON.stringify(i === 700 ? { ...a, bbox: [1, 2, 3] } : a)),
    );
    expect(await failure(file)).to.match(/^instances\.json: annotations\[700\]\.bbox: expected 4 numbers/);
  });

  it('names the record and the byte of invalid JSON deep in the file', async () => {
    const text = cocoText((i, a) => (i === 650 ? JSON.stringify(a).replace('"area":1200', '"area":12x00') : JSON.stringify(a)));
    const at = Buffer.byteLength(text.slice(0, text.indexOf('"area":12x00') + '"area":12'.length));
    expect(await failure(await write('bad-json.json', text))).to.equal(
      `instances.json: annotations[650]: invalid JSON at byte ${at}: Expected ',' or '}' after property value`,
    );
  });

  it('reports the first fault in the file when a later chunk breaks the structure', async () => {
    const text = cocoText((i, a) => JSON.stringify(i === 400 ? { ...a, iscrowd: 2 } : a));
    const broken = text.replace('"categories":[', '"categories":[}');
    expect(await failure(await write('two-faults.json', broken))).to.equal('instances.json: annotations[400].iscrowd: expected 0, 1 or a boolean, got 2');
  });

  it('skips invalid records, telling each in file order, and keeps the rest', async () => {
    const bad = new Set([5, 480, 481, 899]);
    const text = cocoText((i, a) => (i === 481 ? '{"id": 482,' + ' "image_id": }' : JSON.stringify(bad.has(i) ? { ...a, image_id: 'x' } : a)));
    const skipped: [CocoSection, string][] = [];
    const events = await read(await write('skip.json', text), { onInvalidRecord: (section, err) => skipped.push([section, err.message]) });
    expect(skipped.map(([section, message]) => [section, /annotations\[(\d+)\]/.exec(message)?.[1]])).to.deep.equal([
      ['annotations', '5'],
      ['annotations', '480'],
      ['annotations', '481'],
      ['annotations', '899'],
    ]);
    expect(skipped[2]![1]).to.match(/^instances\.json: annotations\[481\]: invalid JSON/);
    const indexes = events.flatMap((e) => (e.kind === 'annotation' ? [e.index] : []));
    expect(indexes).to.have.length(IMAGES * PER_IMAGE - 4);
    expect(indexes.filter((i) => bad.has(i))).to.deep.equal([]);
  });

  it('runs at most threads x runsPerThread runs ahead of the consumer', async () => {
    let started = 0;
    const counting: RecordRunParser = {
      threads: pool.threads,
      parse: (task, signal) => {
        started++;
        return pool.parse(task, signal);
      },
    };
    let batches = 0;
    let mostAhead = 0;
    for await (const batch of readAnnotationFile(await write('ahead.json', cocoText()), {
      file: 'instances.json',
      highWaterMark: 2048,
      parser: counting,
      runsPerThread: 1,
    })) {
      if (batch.length > 0) batches++;
      mostAhead = Math.max(mostAhead, started - batches);
    }
    // About 40 KB of images and 90 KB of annotations in 2 KiB chunks: some 60 runs went to the workers.
    expect(started).to.be.greaterThan(40);
    expect(mostAhead).to.be.at.most(2 + 1);
  });
});
