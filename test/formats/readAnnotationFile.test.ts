import { mkdtemp, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { AppError } from '../../src/errors.js';
import { cocoFormat } from '../../src/formats/coco/cocoFormat.js';
import type { ReadAnnotationOptions } from '../../src/formats/readAnnotationFile.js';
import { readAnnotationFile } from '../../src/formats/readAnnotationFile.js';
import type { CocoEvent } from '../../src/formats/records.js';
import { resultsFormat } from '../../src/formats/results/resultsFormat.js';

const info = { description: 'COCO 2017 Dataset', version: '1.0', year: 2017 };
const licenses = [{ url: 'http://creativecommons.org/licenses/by-nc-sa/2.0/', id: 1, name: 'Attribution-NonCommercial-ShareAlike License' }];
const images = [
  { license: 1, file_name: '000000000139.jpg', coco_url: 'http://images.cocodataset.org/val2017/000000000139.jpg', height: 426, width: 640, id: 139 },
  { license: 1, file_name: '000000000285.jpg', height: 640, width: 586, id: 285 },
];
const instanceAnnotations = [
  { segmentation: [[10, 10, 60, 10, 60, 50, 10, 50]], area: 2000, iscrowd: 0, image_id: 139, bbox: [10, 10, 50, 40], category_id: 1, id: 1 },
  { segmentation: { counts: [0, 5, 10, 5, 272620], size: [426, 640] }, area: 10, iscrowd: 1, image_id: 139, bbox: [0, 0, 2, 5], category_id: 2, id: 2 },
  { segmentation: { size: [640, 586], counts: 'e`S35Q<3M2N2' }, area: 31, iscrowd: 1, image_id: 285, bbox: [5, 5, 6, 6], category_id: 2, id: 3 },
  { segmentation: [[1, 1, 9, 1, 9, 9]], area: 32, iscrowd: 0, image_id: 285, bbox: [1, 1, 8, 8], category_id: 1, id: 4, attributes: { occluded: true } },
];
const categories = [
  { supercategory: 'person', id: 1, name: 'person' },
  { supercategory: 'animal', id: 2, name: 'bear' },
];

/** JSON text of an object whose keys are written in the order given. */
function cocoText(parts: [string, unknown][]): string {
  return `{${parts.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
}

async function readAll(source: string | NodeJS.ReadableStream, options?: Partial<ReadAnnotationOptions>): Promise<CocoEvent[][]> {
  const batches: CocoEvent[][] = [];
  for await (const batch of readAnnotationFile(source, { file: 'instances.json', ...options })) batches.push(batch);
  return batches;
}

async function events(source: string | NodeJS.ReadableStream, options?: Partial<ReadAnnotationOptions>): Promise<CocoEvent[]> {
  return (await readAll(source, options)).flat();
}

/** Reads the file expecting an INVALID_ANNOTATION_FILE error and returns its message. */
async function failure(source: string, options?: Partial<ReadAnnotationOptions>): Promise<string> {
  try {
    await events(source, options);
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(AppError);
    expect((err as AppError).code).to.equal('INVALID_ANNOTATION_FILE');
    return (err as AppError).message;
  }
  throw new Error('expected the read to fail');
}

/** How many descriptors of this process are open on `file` (Linux /proc). */
async function openDescriptors(file: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    try {
      if ((await readlink(`/proc/self/fd/${fd}`)) === file) count++;
    } catch {
      // the descriptor closed while we looked
    }
  }
  return count;
}

function recordsOf(all: CocoEvent[], kind: 'image' | 'annotation' | 'category'): unknown[] {
  return all.filter((e) => e.kind === kind).map((e) => (e as { record: unknown }).record);
}

describe('readAnnotationFile', () => {
  let dir: string;
  let bigFile: string;
  const BIG_ANNOTATIONS = 20_000;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'read-coco-'));
    bigFile = path.join(dir, 'big.json');
    const anns = [];
    for (let i = 0; i < BIG_ANNOTATIONS; i++) {
      anns.push({ segmentation: [[1, 1, 9, 1, 9, 9, 1, 9]], area: 64, iscrowd: 0, image_id: 139, bbox: [1, 1, 8, 8], category_id: 1, id: i + 1 });
    }
    await writeFile(
      bigFile,
      cocoText([
        ['info', info],
        ['licenses', licenses],
        ['images', images],
        ['annotations', anns],
        ['categories', categories],
      ]),
    );
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, text: string | Buffer): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  }

  it('yields info, licenses and every instance record in file order, with an end event per array', async () => {
    const file = await write(
      'instances.json',
      cocoText([
        ['info', info],
        ['licenses', licenses],
        ['images', images],
        ['annotations', instanceAnnotations],
        ['categories', categories],
      ]),
    );
    const all = await events(file);
    expect(all.map((e) => (e.kind === 'end' ? `end:${e.section}:${e.count}` : e.kind))).to.deep.equal([
      'info',
      'licenses',
      'image',
      'image',
      'end:images:2',
      'annotation',
      'annotation',
      'annotation',
      'annotation',
      'end:annotations:4',
      'category',
      'category',
      'end:categories:2',
    ]);
    expect(all[0]).to.deep.equal({ kind: 'info', value: info });
    expect(all[1]).to.deep.equal({ kind: 'licenses', value: licenses });
    expect(all[2]).to.deep.equal({
      kind: 'image',
      index: 0,
      record: {
        image_ref: null,
        id: 139,
        file_name: '000000000139.jpg',
        width: 640,
        height: 426,
        license: 1,
        extra: { coco_url: 'http://images.cocodataset.org/val2017/000000000139.jpg' },
      },
    });
    const anns = all.filter((e) => e.kind === 'annotation');
    expect(anns.map((e) => e.index)).to.deep.equal([0, 1, 2, 3]);
    const [polygon, rleList, rleString, withExtra] = anns.map((e) => e.record);
    expect(polygon).to.deep.include({ id: 1, bbox: [10, 10, 50, 40], iscrowd: false, segmentation: [[10, 10, 60, 10, 60, 50, 10, 50]], extra: null });
    expect(rleList).to.deep.include({ id: 2, iscrowd: true, segmentation: { counts: [0, 5, 10, 5, 272620], size: [426, 640] } });
    expect(rleString).to.deep.include({ id: 3, iscrowd: true, segmentation: { size: [640, 586], counts: 'e`S35Q<3M2N2' } });
    expect(withExtra?.extra).to.deep.equal({ attributes: { occluded: true } });
    expect(recordsOf(all, 'category')).to.deep.equal([
      { id: 1, name: 'person', supercategory: 'person', keypoints: null, skeleton: null, extra: null },
      { id: 2, name: 'bear', supercategory: 'animal', keypoints: null, skeleton: null, extra: null },
    ]);
  });

  it('gives the same records whatever the order of the top-level keys', async () => {
    const coco2017 = await write(
      'order-2017.json',
      cocoText([
        ['info', info],
        ['licenses', licenses],
        ['images', images],
        ['annotations', instanceAnnotations],
        ['categories', categories],
      ]),
    );
    const categoriesFirst = await write(
      'order-categories-first.json',
      cocoText([
        ['categories', categories],
        ['annotations', instanceAnnotations],
        ['images', images],
        ['licenses', licenses],
        ['info', info],
      ]),
    );
    const a = await events(coco2017);
    const b = await events(categoriesFirst);
    for (const kind of ['image', 'annotation', 'category'] as const) {
      expect(recordsOf(b, kind)).to.deep.equal(recordsOf(a, kind));
    }
    expect(b[0]).to.deep.equal({ kind: 'category', index: 0, record: recordsOf(a, 'category')[0] });
    expect(b.find((e) => e.kind === 'info')).to.deep.equal({ kind: 'info', value: info });
  });

  it('reads person keypoints with the category keypoint names and skeleton', async () => {
    const file = await write(
      'person_keypoints.json',
      cocoText([
        ['images', images.slice(0, 1)],
        [
          'annotations',
          [
            {
              segmentation: [[1, 1, 9, 1, 9, 9]],
              num_keypoints: 2,
              area: 40,
              iscrowd: 0,
              keypoints: [5, 5, 2, 6, 4, 1, 0, 0, 0],
              image_id: 139,
              bbox: [1, 1, 8, 8],
              category_id: 1,
              id: 9,
            },
          ],
        ],
        [
          'categories',
          [
            {
              supercategory: 'person',
              id: 1,
              name: 'person',
              keypoints: ['nose', 'left_eye', 'right_eye'],
              skeleton: [
                [1, 2],
                [1, 3],
                [2, 3],
              ],
            },
          ],
        ],
      ]),
    );
    const all = await events(file);
    expect(recordsOf(all, 'annotation')[0]).to.deep.include({ keypoints: [5, 5, 2, 6, 4, 1, 0, 0, 0], num_keypoints: 2 });
    expect(recordsOf(all, 'category')[0]).to.deep.include({
      keypoints: ['nose', 'left_eye', 'right_eye'],
      skeleton: [
        [1, 2],
        [1, 3],
        [2, 3],
      ],
    });
  });

  it('reads a captions file, which has no categories key', async () => {
    const file = await write(
      'captions.json',
      cocoText([
        ['info', info],
        ['images', images],
        [
          'annotations',
          [
            { image_id: 139, id: 1, caption: 'A woman stands in the dining area at the table.' },
            { image_id: 285, id: 2, caption: 'A big burly grizzly bear is show with grass in the background.' },
          ],
        ],
      ]),
    );
    const all = await events(file, { file: 'captions.json' });
    expect(all.some((e) => e.kind === 'category' || (e.kind === 'end' && e.section === 'categories'))).to.equal(false);
    expect(recordsOf(all, 'annotation')).to.deep.equal([
      {
        id: 1,
        image_id: 139,
        category_id: null,
        bbox: null,
        area: null,
        iscrowd: false,
        segmentation: null,
        keypoints: null,
        num_keypoints: null,
        caption: 'A woman stands in the dining area at the table.',
        extra: null,
        mask_area: null,
      },
      {
        id: 2,
        image_id: 285,
        category_id: null,
        bbox: null,
        area: null,
        iscrowd: false,
        segmentation: null,
        keypoints: null,
        num_keypoints: null,
        caption: 'A big burly grizzly bear is show with grass in the background.',
        extra: null,
        mask_area: null,
      },
    ]);
  });

  it('skips unknown top-level keys, however nested', async () => {
    const file = await write(
      'unknown-keys.json',
      cocoText([
        ['type', 'instances'],
        ['meta', { images: [{ id: 1 }], annotations: [[{ nested: ['deep'] }]] }],
        ['images', images],
        ['splits', [['a'], { images: [] }]],
        ['__proto__', { polluted: true }],
        ['count', 3],
        ['categories', categories],
      ]),
    );
    const all = await events(file);
    expect(all.map((e) => e.kind)).to.deep.equal(['image', 'image', 'end', 'category', 'category', 'end']);
    expect(({} as { polluted?: unknown }).polluted).to.equal(undefined);
  });

  it('ignores a UTF-8 byte-order mark and decodes characters split across chunks', async () => {
    const names = ['café-ü.jpg', '画像😀.jpg'];
    const text = cocoText([['images', names.map((file_name, id) => ({ id, file_name }))]]);
    const file = await write('utf8.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const all = await events(file, { highWaterMark: 3 });
    expect(recordsOf(all, 'image').map((r) => (r as { file_name: string }).file_name)).to.deep.equal(names);
  });

  it('reads from a stream, and pulls no more of it than the consumer asks for', async () => {
    const text = await import('node:fs/promises').then((fs) => fs.readFile(bigFile));
    const chunkSize = 16 * 1024;
    let pulled = 0;
    const source = new Readable({
      highWaterMark: chunkSize,
      read() {
        const start = pulled * chunkSize;
        pulled++;
        this.push(start < text.length ? text.subarray(start, start + chunkSize) : null);
      },
    });
    const progress: { bytesRead: number; totalBytes: number | null }[] = [];
    const reader = readAnnotationFile(source, { file: 'big.json', onProgress: (p) => progress.push(p) });
    const first = await reader.next();
    expect(first.done).to.equal(false);
    // Paused after one batch: only the chunk being parsed and the stream's own
    // small buffer may have been pulled, not the whole input.
    const pulledWhilePaused = pulled;
    expect(pulledWhilePaused).to.be.at.most(4);
    expect(Math.ceil(text.length / chunkSize)).to.be.greaterThan(20);
    let count = (first.value as CocoEvent[]).filter((e) => e.kind === 'annotation').length;
    for await (const batch of reader) count += batch.filter((e) => e.kind === 'annotation').length;
    expect(count).to.equal(BIG_ANNOTATIONS);
    expect(progress.at(-1)).to.deep.equal({ bytesRead: text.length, totalBytes: null });
  });

  it('reads chunks from an async iterable that reuses one buffer, taking each before pulling the next', async () => {
    const text = await import('node:fs/promises').then((fs) => fs.readFile(bigFile));
    const chunkSize = 4096;
    const shared = Buffer.alloc(chunkSize);
    let pulled = 0;
    // Like an ObjectStore's readChunks: every chunk is the same buffer, overwritten.
    async function* chunks(): AsyncGenerator<Buffer, void, undefined> {
      for (let start = 0; start < text.length; start += chunkSize) {
        pulled++;
        const n = text.copy(shared, 0, start, start + chunkSize);
        yield shared.subarray(0, n);
      }
    }
    const reader = readAnnotationFile(chunks(), { file: 'big.json', totalBytes: text.length });
    const first = await reader.next();
    expect(pulled).to.be.at.most(2);
    let count = (first.value as CocoEvent[]).filter((e) => e.kind === 'annotation').length;
    for await (const batch of reader) count += batch.filter((e) => e.kind === 'annotation').length;
    // Any read-ahead would have parsed overwritten bytes and failed, or lost records.
    expect(count).to.equal(BIG_ANNOTATIONS);
    expect(pulled).to.equal(Math.ceil(text.length / chunkSize));
  });

  it('streams a file bigger than its chunk size across many batches, reporting progress up to the file size', async () => {
    const { size } = await stat(bigFile);
    const progress: { bytesRead: number; totalBytes: number | null }[] = [];
    const batches = await readAll(bigFile, { highWaterMark: 64 * 1024, onProgress: (p) => progress.push(p) });
    expect(batches.length).to.be.greaterThan(20);
    for (const batch of batches) expect(batch.length).to.be.within(1, 2048);
    const anns = batches.flat().filter((e) => e.kind === 'annotation');
    expect(anns).to.have.length(BIG_ANNOTATIONS);
    expect(anns.every((e, i) => e.index === i && e.record.id === i + 1)).to.equal(true);
    expect(batches.flat().find((e) => e.kind === 'end' && e.section === 'annotations')).to.deep.equal({
      kind: 'end',
      section: 'annotations',
      count: BIG_ANNOTATIONS,
    });
    expect(progress.length).to.equal(Math.ceil(size / (64 * 1024)));
    expect(progress.every((p, i) => p.totalBytes === size && (i === 0 || p.bytesRead > progress[i - 1]!.bytesRead))).to.equal(true);
    expect(progress.at(-1)!.bytesRead).to.equal(size);
  });

  it('stops reading, closes the file and throws the reason when the signal aborts', async function () {
    if (!(await stat('/proc/self/fd').catch(() => null))) this.skip();
    const controller = new AbortController();
    const progress: number[] = [];
    const reader = readAnnotationFile(bigFile, {
      file: 'big.json',
      highWaterMark: 16 * 1024,
      signal: controller.signal,
      onProgress: (p) => progress.push(p.bytesRead),
    });
    await reader.next();
    expect(await openDescriptors(bigFile)).to.equal(1);
    controller.abort();
    let error: unknown;
    try {
      await reader.next();
    } catch (err) {
      error = err;
    }
    expect(error).to.equal(controller.signal.reason);
    expect((error as Error).name).to.equal('AbortError');
    expect(await openDescriptors(bigFile)).to.equal(0);
    expect(progress.at(-1)).to.be.lessThan((await stat(bigFile)).size);
    expect(await reader.next()).to.deep.equal({ done: true, value: undefined });
  });

  it('stops waiting for input and destroys the source stream when the signal aborts', async () => {
    const controller = new AbortController();
    // Never produces data; aborts once the reader is waiting on it.
    const source = new Readable({ read: () => queueMicrotask(() => controller.abort()) });
    const pending = readAnnotationFile(source, { file: 'stalled.json', signal: controller.signal }).next();
    let error: unknown;
    try {
      await pending;
    } catch (err) {
      error = err;
    }
    expect(error).to.equal(controller.signal.reason);
    expect(source.destroyed).to.equal(true);
  });

  it('throws the reason without reading when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    let error: unknown;
    try {
      await events(path.join(dir, 'does-not-exist.json'), { signal: controller.signal });
    } catch (err) {
      error = err;
    }
    expect(error).to.equal(controller.signal.reason);
  });

  it('closes the file when the consumer stops early with return()', async function () {
    if (!(await stat('/proc/self/fd').catch(() => null))) this.skip();
    const reader = readAnnotationFile(bigFile, { file: 'big.json', highWaterMark: 16 * 1024 });
    const first = await reader.next();
    expect(first.done).to.equal(false);
    expect(await openDescriptors(bigFile)).to.equal(1);
    await reader.return();
    expect(await openDescriptors(bigFile)).to.equal(0);
  });

  it('closes the file when the consumer breaks out of for await', async function () {
    if (!(await stat('/proc/self/fd').catch(() => null))) this.skip();
    for await (const batch of readAnnotationFile(bigFile, { file: 'big.json', highWaterMark: 16 * 1024 })) {
      expect(batch.length).to.be.greaterThan(0);
      break;
    }
    expect(await openDescriptors(bigFile)).to.equal(0);
  });

  describe('errors', () => {
    it('names the file, record and field of an invalid record', async () => {
      const bad = instanceAnnotations.map((a, i) => (i === 2 ? { ...a, bbox: [1, 2, 3] } : a));
      const file = await write(
        'bad-bbox.json',
        cocoText([
          ['images', images],
          ['annotations', bad],
        ]),
      );
      expect(await failure(file, { file: 'instances_val2017.json' })).to.match(/^instances_val2017\.json: annotations\[2\]\.bbox: expected 4 numbers/);
      const missing = await write('missing.json', cocoText([['images', [images[0], { id: 5 }]]]));
      expect(await failure(missing)).to.equal('instances.json: images[1]: missing required field file_name');
      const notObject = await write('not-object.json', cocoText([['categories', [categories[0], 'bear']]]));
      expect(await failure(notObject)).to.equal('instances.json: categories[1]: expected an object, got "bear"');
      if (await stat('/proc/self/fd').catch(() => null)) expect(await openDescriptors(file)).to.equal(0);
    });

    it('refuses a record nested 10,000 deep (past the 100-level bound JSON.stringify survives) naming the record, in any section and in info', async () => {
      const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
      const image = `{"id":5,"file_name":"a.jpg","tags":${deep(10_000)}}`;
      const inImages = await write('deep-image.json', `{"images":[${JSON.stringify(images[0])},${image}]}`);
      expect(await failure(inImages)).to.match(/^instances\.json: images\[1\]: nested deeper than 100 levels of arrays and objects \(at byte \d+\)$/);
      // Across chunks too: the element is kept piece by piece, and its depth with it.
      expect(await failure(inImages, { highWaterMark: 16 })).to.match(/^instances\.json: images\[1\]: nested deeper than 100 levels/);
      const inInfo = await write('deep-info.json', `{"info":{"a":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`);
      expect(await failure(inInfo)).to.match(/^instances\.json: "info": nested deeper than 100 levels/);
      const results = await write('deep-results.json', `[{"image_id":1,"category_id":1,"score":1,"bbox":${deep(200)}}]`);
      expect(await failure(results, { formats: [resultsFormat] })).to.match(/^instances\.json: \[0\]: nested deeper than 100 levels/);
      // 100 levels are read: the bound is on nesting, not on what a record holds.
      const hundred = await write('hundred.json', `{"images":[{"id":5,"file_name":"a.jpg","tags":${deep(99)}}]}`);
      expect((await events(hundred)).map((e) => e.kind)).to.deep.equal(['image', 'end']);
    });

    it('refuses a lone surrogate in info or licenses (kept as JSON, which the database refuses), naming where it is', async () => {
      const license = await write('surrogate.json', '{"licenses":[{"id":1,"name":"ok"},{"id":2,"name":"a\\ud800b"}]}');
      expect(await failure(license)).to.equal('instances.json: licenses[1].name: a lone surrogate (an unpaired \\uD800-\\uDFFF escape) is not text');
      const key = await write('surrogate-key.json', '{"info":{"x":{"\\udfff":1}}}');
      expect(await failure(key)).to.equal('instances.json: info.x["\\udfff"]: a lone surrogate (an unpaired \\uD800-\\uDFFF escape) is not text');
      // A pair is one character, and is kept.
      const pair = await write('pair.json', '{"info":{"emoji":"\\ud83d\\ude00"}}');
      expect((await events(pair))[0]).to.deep.equal({ kind: 'info', value: { emoji: '\u{1F600}' } });
    });

    it('rejects a top level that is not an object, or an array of results where results may be', async () => {
      const file = await write('array.json', JSON.stringify([images]));
      expect(await failure(file, { formats: [cocoFormat] })).to.equal('instances.json: the top level must be an object, got an array');
      expect(await failure(file)).to.equal('instances.json: [0]: expected an object, got an array of 2 items');
      const object = await write('object.json', cocoText([['images', images]]));
      expect(await failure(object, { formats: [resultsFormat] })).to.equal(
        'instances.json: the top level must be an array of results (a COCO results file), got an object',
      );
      const number = await write('number.json', '42');
      expect(await failure(number)).to.equal('instances.json: the top level must be an object, got a number');
    });

    it('rejects a section that is not an array, and info or licenses of the wrong type', async () => {
      expect(await failure(await write('images-object.json', '{"images": {"id": 1}}'))).to.equal('instances.json: images: expected an array, got an object');
      expect(await failure(await write('annotations-null.json', '{"images": [], "annotations": null}'))).to.equal(
        'instances.json: annotations: expected an array, got null',
      );
      expect(await failure(await write('info-string.json', '{"info": "COCO"}'))).to.equal('instances.json: info: expected an object, got a string');
      expect(await failure(await write('licenses-object.json', '{"licenses": {}}'))).to.equal('instances.json: licenses: expected an array, got an object');
    });

    it('rejects a section that appears twice', async () => {
      expect(await failure(await write('twice.json', '{"images": [], "categories": [], "images": []}'))).to.equal(
        'instances.json: the top-level key "images" appears twice',
      );
    });

    it('reports a truncated file with the last complete record', async () => {
      const text = cocoText([
        ['images', images],
        ['annotations', instanceAnnotations],
      ]);
      const cut = text.indexOf('"id":4'); // inside annotations[3]
      const file = await write('truncated.json', text.slice(0, cut));
      expect(await failure(file)).to.equal('instances.json: truncated JSON after annotations[2]');
      const atStart = await write('truncated-start.json', '{"images": [');
      expect(await failure(atStart)).to.equal('instances.json: truncated JSON at the start of images');
      const inInfo = await write('truncated-info.json', '{"info": {"year": 20');
      expect(await failure(inInfo)).to.equal('instances.json: truncated JSON in "info"');
    });

    it('reports a file that is not JSON, or empty', async () => {
      expect(await failure(await write('readme.txt', 'This is not JSON at all.\n'))).to.match(/^instances\.json: not a JSON file \(/);
      expect(await failure(await write('image.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46])))).to.match(
        /^instances\.json: not a JSON file/,
      );
      expect(await failure(await write('nope.json', 'nope'))).to.match(/^instances\.json: not a JSON file/);
      expect(await failure(await write('empty.json', ''))).to.equal('instances.json: the file is empty');
    });

    it('reports invalid JSON with the record and the byte where it goes wrong', async () => {
      const text = cocoText([
        ['images', images],
        ['annotations', instanceAnnotations],
      ]);
      const broken = text.replace('"id":3}', '"id":3]');
      const at = Buffer.byteLength(broken.slice(0, broken.indexOf('"id":3]') + 6));
      expect(await failure(await write('invalid.json', broken))).to.equal(
        `instances.json: annotations[2]: invalid JSON at byte ${at}: Expected ',' or '}' after property value`,
      );
      const trailing = await failure(await write('trailing.json', `${cocoText([['images', images]])} {}`));
      expect(trailing).to.match(/^instances\.json: invalid JSON at byte \d+ \(after the top-level object\): unexpected characters$/);
      const missingComma = await failure(await write('no-comma.json', '{"images": [{"id": 1, "file_name": "a.jpg"} {"id": 2}]}'));
      expect(missingComma).to.equal("instances.json: invalid JSON at byte 44 (after images[0]): expected ',' or ']', got '{'");
      const badInfo = await failure(await write('bad-info.json', '{"info": {"year": 20x17}, "images": []}'));
      expect(badInfo).to.match(/^instances\.json: "info": invalid JSON: /);
      const badUnknown = await failure(await write('bad-unknown.json', '{"images": [], "extra": [1, 2,, 3]}'));
      expect(badUnknown).to.match(/^instances\.json: "extra": invalid JSON: /);
    });

    it('locates invalid JSON deep in a big file by record and byte', async () => {
      const text = (await import('node:fs/promises').then((fs) => fs.readFile(bigFile, 'utf8'))).replace('"id":15000}', '"id":15000,}');
      const message = await failure(await write('big-invalid.json', text), { highWaterMark: 64 * 1024 });
      const errorAt = Buffer.byteLength(text.slice(0, text.indexOf('"id":15000,}') + 11));
      expect(message).to.equal(`instances.json: annotations[14999]: invalid JSON at byte ${errorAt}: Expected double-quoted property name`);
    });
  });
});
