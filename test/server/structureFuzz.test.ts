import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { forEachAtOnce } from '../helpers/forEachAtOnce.js';
import { postPredictions } from '../helpers/ingest.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, useTestServer } from '../helpers/startTestServer.js';

/** The seed of the sampled cases (`FUZZ_SEED` explores others). */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
/** Cases sampled from every record kind, extreme and place, on top of the fixed examples (`FUZZ_RUNS` for more). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

const ANNOTATIONS = path.join(SAMPLE_DIR, 'annotations');
const IMAGES = path.join(SAMPLE_DIR, 'images');

/** Where a record lives in its file: a record array, `info`, a panoptic record's segments, or a results file's top level. */
type Section = 'images' | 'annotations' | 'categories' | 'info' | 'licenses' | 'segments_info' | 'results';

/** One kind of record of one format, and the known fields an extreme may replace. */
interface RecordKind {
  name: string;
  file: string;
  section: Section;
  fields: string[];
}

const KINDS: RecordKind[] = [
  { name: 'a COCO image', file: 'instances_val.json', section: 'images', fields: ['file_name', 'width', 'license'] },
  { name: 'a COCO annotation', file: 'instances_val.json', section: 'annotations', fields: ['segmentation', 'bbox', 'area', 'iscrowd'] },
  { name: 'a COCO category', file: 'instances_val.json', section: 'categories', fields: ['name', 'supercategory'] },
  { name: 'the info', file: 'instances_val.json', section: 'info', fields: ['description', 'year'] },
  { name: 'a license', file: 'instances_val.json', section: 'licenses', fields: ['name', 'url'] },
  { name: 'a keypoints annotation', file: 'person_keypoints_val.json', section: 'annotations', fields: ['keypoints', 'num_keypoints'] },
  { name: 'a keypoints category', file: 'person_keypoints_val.json', section: 'categories', fields: ['keypoints', 'skeleton'] },
  { name: 'a caption', file: 'captions_val.json', section: 'annotations', fields: ['caption'] },
  { name: 'an LVIS image', file: 'lvis_val.json', section: 'images', fields: ['coco_url', 'neg_category_ids', 'not_exhaustive_category_ids'] },
  { name: 'an LVIS annotation', file: 'lvis_val.json', section: 'annotations', fields: ['segmentation', 'bbox'] },
  { name: 'an LVIS category', file: 'lvis_val.json', section: 'categories', fields: ['synset', 'synonyms', 'frequency'] },
  { name: 'a panoptic record', file: 'panoptic_val.json', section: 'annotations', fields: ['segments_info', 'file_name'] },
  { name: 'a panoptic segment', file: 'panoptic_val.json', section: 'segments_info', fields: ['bbox', 'area', 'id', 'category_id'] },
  { name: 'a panoptic category', file: 'panoptic_val.json', section: 'categories', fields: ['color', 'isthing'] },
  { name: 'a result', file: 'results_val.json', section: 'results', fields: ['bbox', 'segmentation', 'score', 'keypoints'] },
];

const numbers = (count: number) => Array.from({ length: count }, (_, i) => (i % 97) + 0.5).join(',');

/** Structural extremes, as the JSON text that goes in the file (too deep for JSON.stringify to write). */
const EXTREMES: Record<string, () => string> = {
  'arrays nested 10,000 deep': () => '['.repeat(10_000) + ']'.repeat(10_000),
  'objects nested 10,000 deep': () => `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
  'an object of 100,000 keys': () => `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
  'a polygon of 1,000,000 numbers': () => `[[${numbers(1_000_000)}]]`,
  'an array of 10,000 numbers': () => `[${numbers(10_000)}]`,
  'a 10 MB string': () => `"${'x'.repeat(10 * 1024 * 1024)}"`,
  'a huge number': () => '1e400',
  'an integer past 2^32': () => '4294967296',
  'negative zero': () => '-0',
  'a lone surrogate': () => '"\\ud800"',
  'a NUL character': () => '"a\\u0000b"',
  'a broken percent-encoding in a URL': () => '"http://images.example/val/%E0%A4%A.jpg"',
  'an object with __proto__': () => '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  'every JSON type': () => '[null,true,false,0,-1.5e-300,"",[],{},[[]],{"":{}}]',
};

/** Where the extreme goes: a field the record already has, or one no format knows. */
type Place = 'field' | 'extra';

interface StructureCase {
  kind: RecordKind;
  extreme: string;
  place: Place;
  /** Picks the record and the field, whatever their counts. */
  pick: number;
}

const MARK = '\u0001extreme\u0001';

/** The base file with `fuzz`'s extreme in one record, and the name the error must give that record. */
async function buildCase(fuzz: StructureCase): Promise<{ text: string; names: RegExp; counts: { images: number; annotations: number } | null }> {
  const base = JSON.parse(await readFile(path.join(ANNOTATIONS, fuzz.kind.file), 'utf8'));
  let target: Record<string, unknown>;
  let names: RegExp;
  const at = (list: unknown[]) => fuzz.pick % list.length;
  switch (fuzz.kind.section) {
    case 'info':
      target = base.info;
      names = /\binfo\b/;
      break;
    case 'results': {
      const index = at(base);
      target = base[index];
      names = new RegExp(`(^|\\W)\\[${index}\\]`);
      break;
    }
    case 'segments_info': {
      const index = at(base.annotations);
      const segments = base.annotations[index].segments_info;
      target = segments[fuzz.pick % segments.length];
      names = new RegExp(`annotations\\[${index}\\]`);
      break;
    }
    default: {
      const index = at(base[fuzz.kind.section]);
      target = base[fuzz.kind.section][index];
      names = fuzz.kind.section === 'licenses' ? /\blicenses\b/ : new RegExp(`${fuzz.kind.section}\\[${index}\\]`);
    }
  }
  const field = fuzz.place === 'extra' ? 'fuzz_extra' : fuzz.kind.fields[fuzz.pick % fuzz.kind.fields.length]!;
  target[field] = MARK;
  const text = JSON.stringify(base).replace(JSON.stringify(MARK), EXTREMES[fuzz.extreme]!());
  // A panoptic file's annotations are its segments, one per entry of each record's segments_info.
  const annotations = fuzz.kind.file.startsWith('panoptic')
    ? base.annotations.reduce((sum: number, r: { segments_info: unknown[] }) => sum + r.segments_info.length, 0)
    : (base.annotations?.length ?? 0);
  const counts = Array.isArray(base) ? null : { images: base.images?.length ?? 0, annotations };
  return { text, names, counts };
}

const cases: fc.Arbitrary<StructureCase> = fc.record({
  kind: fc.constantFrom(...KINDS),
  extreme: fc.constantFrom(...Object.keys(EXTREMES)),
  place: fc.constantFrom<Place>('field', 'extra'),
  pick: fc.nat(1000),
});

describe('fuzzing annotation and results files with structural extremes (seeded)', function () {
  this.timeout(300_000);
  const server = useTestServer({ MAX_CONCURRENT_JOBS: '3' });
  let datasetId: number;

  before(async () => {
    const job = await postIngest(server.url, {
      annotation_path: path.join(ANNOTATIONS, 'instances_val.json'),
      image_dir: path.join(IMAGES, 'val'),
      thumbnails: 'none',
    });
    expect(terminalOf(await followJob(server.url, job.job_id))?.event).to.equal('complete');
    datasetId = job.dataset_id;
  });

  /** Ingests `fuzz`'s file (or loads it as predictions) and checks how it ended; resolves with a description of anything wrong. */
  async function check(fuzz: StructureCase, n: number): Promise<void> {
    const { text, names, counts } = await buildCase(fuzz);
    const name = `extreme-${n}.json`;
    const file = path.join(server.scratch, name);
    await writeFile(file, text);
    const label = `${fuzz.extreme} as ${fuzz.place === 'extra' ? 'an extra field of' : 'a known field of'} ${fuzz.kind.name}`;
    let terminal: Record<string, any>;
    let dataset: Record<string, any> | null = null;
    if (fuzz.kind.section === 'results') {
      terminal = await postPredictions(server, datasetId, { annotation_path: file, name: `p${n}` });
    } else {
      const job = await postIngest(server.url, {
        annotation_path: file,
        image_dir: path.join(IMAGES, fuzz.kind.file.startsWith('lvis') ? '' : 'val'),
        ...(fuzz.kind.file.startsWith('panoptic') ? { mask_dir: path.join(ANNOTATIONS, 'panoptic_val') } : {}),
        thumbnails: 'none',
      });
      const end = terminalOf(await followJob(server.url, job.job_id));
      terminal = { event: end?.event, ...end?.data };
      dataset = (await getJson(`${server.url}/datasets/${job.dataset_id}`)).body;
    }
    await writeFile(file, '');
    if (terminal.event === 'complete') {
      if (dataset && counts) {
        expect([dataset.status, dataset.image_count, dataset.annotation_count], label).to.deep.equal(['ready', counts.images, counts.annotations]);
      }
      return;
    }
    expect(terminal.event, `${label}: ${JSON.stringify(terminal)}`).to.equal('failed');
    expect(terminal.code, `${label}: ${terminal.message}`).to.not.equal('INTERNAL');
    expect(terminal.message, label).to.match(new RegExp(`^${name.replace('.', '\\.')}: `));
    expect(terminal.message, `${label} names the record`).to.match(names);
    if (dataset) expect(dataset.status, label).to.not.equal('ready');
  }

  it('stores every file or fails it naming the record, never INTERNAL, whatever the depth, width or length in any record kind', async () => {
    // Whatever the seed: the deepest nesting, as an extra field and in a known field, in every record kind.
    const fixed: StructureCase[] = KINDS.flatMap((kind, i) => [
      { kind, extreme: 'arrays nested 10,000 deep', place: 'extra' as const, pick: i },
      { kind, extreme: 'objects nested 10,000 deep', place: 'field' as const, pick: i },
    ]);
    const all = [...fixed, ...fc.sample(cases, { seed: SEED, numRuns: RUNS })];
    const failures: string[] = [];
    await forEachAtOnce(all, 3, async (fuzz, n) => {
      try {
        await check(fuzz, n);
      } catch (err) {
        failures.push((err as Error).message.slice(0, 600));
      }
    });
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
  });
});
