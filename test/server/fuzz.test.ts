import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { SeededRandom } from '../../bench/SeededRandom.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const MUTANTS = 300;
const SEED = 20261121;

const REPLACEMENTS = ['"x"', 'null', '[]', '{}', '-1', '1e309', 'true', '"', '[', '}', '0.5', '9007199254740993'];

/** One random mutation of `text`: a truncation, a byte flip, a deletion, a type swap or a duplicated slice. */
function mutate(text: Buffer, next: () => number): Buffer {
  const at = Math.floor(next() * text.length);
  switch (Math.floor(next() * 5)) {
    case 0:
      return text.subarray(0, at);
    case 1: {
      const copy = Buffer.from(text);
      copy[at] = Math.floor(next() * 256);
      return copy;
    }
    case 2:
      return Buffer.concat([text.subarray(0, at), text.subarray(at + 1 + Math.floor(next() * 20))]);
    case 3: {
      // Swap the value after a random key for a value of another type.
      const s = text.toString('utf8');
      const keys = [...s.matchAll(/"[a-z_]+":\s*/g)];
      const key = keys[Math.floor(next() * keys.length)]!;
      const start = key.index! + key[0].length;
      const end = start + (/^(-?[\d.eE+-]+|"[^"]*"|null|true|false)/.exec(s.slice(start))?.[0].length ?? 1);
      return Buffer.from(s.slice(0, start) + REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)] + s.slice(end));
    }
    default: {
      const length = Math.floor(next() * 200);
      return Buffer.concat([text.subarray(0, at), text.subarray(at, at + length), text.subarray(at)]);
    }
  }
}

function arrayLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

describe('fuzzing the ingest with mutated COCO files', function () {
  this.timeout(300_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  it(`ends every one of ${MUTANTS} mutants with one terminal event, and never shows counts that differ from the file`, async () => {
    const original = await readFile(path.join(SAMPLE_DIR, 'annotations/instances_val.json'));
    const seeded = new SeededRandom(SEED);
    const next = () => seeded.next();
    const outcomes = { complete: 0, failed: 0 };
    for (let i = 0; i < MUTANTS; i++) {
      const mutant = mutate(original, next);
      const file = path.join(server.scratch, `mutant-${i}.json`);
      await writeFile(file, mutant);
      const job = await postIngest(server.url, { annotation_path: file, image_dir: path.join(SAMPLE_DIR, 'images/val'), thumbnails: 'none' });
      const events = await followJob(server.url, job.job_id);
      const terminals = events.filter((e) => ['complete', 'failed', 'cancelled'].includes(e.event));
      expect(terminals, `mutant ${i}`).to.have.length(1);
      const terminal = terminalOf(events)!;
      const dataset = (await getJson(`${server.url}/datasets/${job.dataset_id}`)).body;
      if (terminal.event === 'complete') {
        outcomes.complete++;
        // Whatever we accepted must be JSON, and the stored counts must be the file's.
        const parsed = JSON.parse(mutant.toString('utf8')) as Record<string, unknown>;
        expect(dataset.status, `mutant ${i}`).to.equal('ready');
        expect([dataset.image_count, dataset.annotation_count], `mutant ${i}`).to.deep.equal([arrayLength(parsed.images), arrayLength(parsed.annotations)]);
      } else {
        outcomes.failed++;
        expect(terminal.event, `mutant ${i}`).to.equal('failed');
        expect(terminal.data.message, `mutant ${i}`).to.match(/^mutant-\d+\.json: /);
        expect(dataset.status, `mutant ${i}`).to.not.equal('ready');
      }
    }
    // The mutations are meant to break most files, but not all of them.
    expect(outcomes.failed).to.be.greaterThan(MUTANTS / 2);
    expect(outcomes.complete).to.be.greaterThan(0);
    expect((await getJson(`${server.url}/healthz`)).status).to.equal(200);
  });
});
