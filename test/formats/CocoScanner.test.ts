import { expect } from 'chai';
import type { AppError } from '../../src/errors.js';
import { CocoScanner, type CocoScanSink, type RecordRun } from '../../src/formats/CocoScanner.js';
import type { CocoSection } from '../../src/formats/records.js';

/** Records what the scanner hands on: records parsed from their runs, values as text. */
class CollectingSink implements CocoScanSink {
  readonly records_: { section: CocoSection; index: number; value: unknown }[] = [];
  readonly ends: string[] = [];
  readonly values = new Map<string, string>();
  readonly runs: RecordRun[] = [];
  #parts: Buffer[] = [];

  records(run: RecordRun): void {
    this.runs.push(run);
    const parsed = JSON.parse(`[${run.buffer.toString('utf8', run.bounds[0], run.bounds.at(-1))}]`) as unknown[];
    expect(parsed).to.have.length(run.count);
    parsed.forEach((value, k) => this.records_.push({ section: run.section, index: run.firstIndex + k, value }));
  }

  sectionEnd(section: CocoSection, count: number): void {
    this.ends.push(`${section}:${count}`);
  }

  valueStart(): void {
    this.#parts = [];
  }

  valueBytes(_key: string, bytes: Buffer): void {
    this.#parts.push(Buffer.from(bytes));
  }

  valueEnd(key: string): void {
    this.values.set(key, Buffer.concat(this.#parts).toString('utf8'));
  }
}

function scan(text: string | Buffer, chunkSize: number, maxRecordBytes?: number): CollectingSink {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const scanner = new CocoScanner({ file: 'doc.json', maxRecordBytes });
  const sink = new CollectingSink();
  for (let i = 0; i < bytes.length; i += chunkSize) scanner.push(bytes.subarray(i, i + chunkSize), sink);
  scanner.finish();
  return sink;
}

function failure(text: string, chunkSize = 7, maxRecordBytes?: number): string {
  try {
    scan(text, chunkSize, maxRecordBytes);
  } catch (err) {
    expect((err as AppError).code).to.equal('INVALID_ANNOTATION_FILE');
    return (err as Error).message;
  }
  throw new Error('expected the scan to fail');
}

// Strings holding every character that matters to the scanner: quotes, escapes, brackets, commas.
const tricky = {
  info: { description: 'braces } ] { [ and "quotes", a \\ backslash', year: 2017 },
  licenses: [{ id: 1, name: 'CC ]]' }],
  images: [
    { id: 1, file_name: 'a\\"b].jpg', width: 640, height: 480, extra: { nested: [[1, [2]], { k: '}' }] } },
    { id: 2, file_name: 'été/日本.jpg', width: 10, height: 20 },
    { id: 3, file_name: 'ends-with-backslash\\', width: 1, height: 1 },
  ],
  unknown: { deep: [1, 'x', { y: [null, true, false, -1.5e3] }] },
  annotations: [
    { id: 1, image_id: 1, category_id: 1, segmentation: [[1, 2, 3, 4, 5, 6]], bbox: [1, 2, 3, 4] },
    { id: 2, image_id: 2, category_id: 1, segmentation: { counts: 'a]b}c"d', size: [2, 2] }, iscrowd: 1 },
  ],
  categories: [{ id: 1, name: 'thing' }],
  scalar: -12.5,
};

describe('CocoScanner', () => {
  it('finds the same records and values whatever the chunk size, down to one byte', () => {
    const text = JSON.stringify(tricky, null, 1);
    const expected = scan(text, text.length);
    for (const size of [1, 2, 3, 5, 16, 64]) {
      const sink = scan(text, size);
      expect(sink.records_).to.deep.equal(expected.records_);
      expect(sink.ends).to.deep.equal(expected.ends);
      expect([...sink.values]).to.deep.equal([...expected.values]);
    }
    expect(expected.records_.map((r) => `${r.section}[${r.index}]`)).to.deep.equal([
      'images[0]',
      'images[1]',
      'images[2]',
      'annotations[0]',
      'annotations[1]',
      'categories[0]',
    ]);
    expect(expected.records_.map((r) => r.value)).to.deep.equal([...tricky.images, ...tricky.annotations, ...tricky.categories]);
    expect(expected.ends).to.deep.equal(['images:3', 'annotations:2', 'categories:1']);
    expect(JSON.parse(expected.values.get('info')!)).to.deep.equal(tricky.info);
    expect(JSON.parse(expected.values.get('unknown')!)).to.deep.equal(tricky.unknown);
    expect(expected.values.get('scalar')).to.equal('-12.5');
  });

  it('hands a chunk’s complete records on as one run, and a record that spans chunks on its own', () => {
    const text = JSON.stringify({ images: Array.from({ length: 50 }, (_, i) => ({ id: i + 1, file_name: `${i}.jpg` })) });
    const sink = scan(text, 200);
    expect(sink.records_).to.have.length(50);
    expect(sink.runs.some((run) => run.count > 1)).to.equal(true);
    for (const run of sink.runs) {
      const first = run.bounds[0]!;
      expect(run.buffer.toString('utf8', first, run.bounds[1]).startsWith('{"id":')).to.equal(true);
      expect(text.slice(run.fileOffset + first, run.fileOffset + run.bounds[1]!)).to.equal(run.buffer.toString('utf8', first, run.bounds[1]));
    }
  });

  it('skips a byte-order mark and blanks around every token', () => {
    const text = '\ufeff \n{ "images" :\t[ {"id":1} ,\r\n {"id":2} ] , "categories" : [ ] }\n ';
    const sink = scan(text, 3);
    expect(sink.records_.map((r) => r.value)).to.deep.equal([{ id: 1 }, { id: 2 }]);
    expect(sink.ends).to.deep.equal(['images:2', 'categories:0']);
  });

  it('names the byte and the last complete record when the structure is broken', () => {
    expect(failure('{"images": [{"id": 1},, {"id": 2}]}')).to.equal(
      "doc.json: invalid JSON at byte 22 (after images[0]): expected an element of images, got ','",
    );
    expect(failure('{"images": [{"id": 1},]}')).to.equal("doc.json: invalid JSON at byte 22 (after images[0]): expected an element of images, got ']'");
    expect(failure('{"images": [] "annotations": []}')).to.equal(
      `doc.json: invalid JSON at byte 14 (after "images"): expected ',' or '}' after "images", got '"'`,
    );
    expect(failure('{"images" []}')).to.equal(`doc.json: invalid JSON at byte 10 (after the key "images"): expected ':' after the key "images", got '['`);
    expect(failure('{images: []}')).to.equal("doc.json: invalid JSON at byte 1 (at the start of the top-level object): expected a key or '}', got 'i'");
    expect(failure('{"images": [{"id": 1}]')).to.equal('doc.json: truncated JSON after "images"');
    expect(failure('{"images": [{"id": 1}, {"id": "2')).to.equal('doc.json: truncated JSON after images[0]');
  });

  it('refuses a record larger than its bound without holding more of it', () => {
    const big = JSON.stringify({ images: [{ id: 1, file_name: 'x'.repeat(5000) }] });
    expect(failure(big, 100, 1000)).to.equal('doc.json: images[0] at byte 11 is larger than 1000 bytes');
    expect(scan(big, 100, 10_000).records_).to.have.length(1);
  });
});
