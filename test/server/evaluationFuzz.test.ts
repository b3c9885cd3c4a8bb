import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { EVALUATION_DIR, evaluate, ingestable, postEvaluation, reference } from '../helpers/evaluations.js';
import { forEachAtOnce } from '../helpers/forEachAtOnce.js';
import { ingest, postPredictions } from '../helpers/ingest.js';
import { followJob, getJson, terminalOf } from '../helpers/sse.js';
import { useTestServer } from '../helpers/startTestServer.js';

/** The seed of the sampled cases (`FUZZ_SEED` explores others). */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);
/** Cases sampled on top of the fixed ones (`FUZZ_RUNS` for more). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 24);
/** How long one case's jobs may take before the case counts as wedged: the fixtures' evaluations take well under a second. */
const CASE_LIMIT_MS = 60_000;

type IouType = 'bbox' | 'segm' | 'keypoints';
/** Which record the odd value goes in: a ground-truth annotation, a ground-truth image, or a result. */
type Where = 'annotation' | 'image' | 'result';

const FIXTURES: Record<IouType, { gt: string; results: string }> = {
  bbox: { gt: 'instances_gt.json', results: 'results_bbox.json' },
  segm: { gt: 'instances_gt.json', results: 'results_segm.json' },
  keypoints: { gt: 'person_keypoints_gt.json', results: 'results_keypoints.json' },
};

/** The fields matching reads, per IoU type and record. */
const FIELDS: Record<IouType, Record<Where, string[]>> = {
  bbox: { annotation: ['bbox', 'area', 'iscrowd', 'category_id'], image: ['width', 'height'], result: ['bbox', 'score', 'category_id', 'image_id'] },
  segm: { annotation: ['segmentation', 'area', 'iscrowd'], image: ['width', 'height'], result: ['segmentation', 'score'] },
  keypoints: { annotation: ['keypoints', 'num_keypoints', 'area', 'iscrowd', 'bbox'], image: ['width', 'height'], result: ['keypoints', 'score'] },
};

const repeat = (count: number, value: string) => Array.from({ length: count }, () => value).join(',');
/** A polygon whose every edge crosses the whole 640x480 image: `teeth` columns of crossings each. */
const comb = (teeth: number) => `[[${Array.from({ length: teeth }, (_, i) => `${(i * 640) / teeth},0,${(i * 640) / teeth + 1},479`).join(',')}]]`;

/** Odd values, as JSON text, by what they imitate. */
const NUMBERS = ['1e308', '-1e308', '5e-324', '-0', '-1', '0', '1.5', '4294967296', '9007199254740993'];
const OTHERS = ['null', '"x"', 'true', '[]', '{}', '[[]]'];
const POLYGONS = [
  '[[0,0,1e9,0,1e9,1e9]]',
  '[[-1e9,-1e9,1e9,-1e9,0,2e9]]',
  '[[1e308,1e308,1e308,0,0,1e308]]',
  '[[1,2,3,4]]',
  '[[1,2,3,4,5]]',
  '[[1,2]]',
  '[[1,2,"a",4,5,6]]',
  '[[1,2,null,4,5,6]]',
  '[[10,10,20,10,20,20],[]]',
  '[[10,10,20,10,20,20],"x"]',
  comb(2000),
];
const RLES = [
  '{"size":[480,640],"counts":[1]}',
  '{"size":[480,640],"counts":[307199,2]}',
  '{"size":[480,640],"counts":[307200.5]}',
  '{"size":[480,640],"counts":[-1,307201]}',
  '{"size":[480,640],"counts":[4294967296,307200]}',
  '{"size":[480,640],"counts":["307200"]}',
  '{"size":[480,640],"counts":"zz"}',
  '{"size":[480,640],"counts":""}',
  '{"size":[480,640],"counts":"0"}',
  '{"size":[480,640],"counts":null}',
  '{"size":[60000,60000],"counts":[3600000000]}',
  '{"size":[70000,70000],"counts":[]}',
  '{"size":[-480,640],"counts":[]}',
  '{"size":[480.5,640],"counts":[307520]}',
  '{"size":["480","640"],"counts":[307200]}',
  '{"size":[480],"counts":[480]}',
  '{"counts":[307200]}',
];
const BOXES = ['[1,2,3]', '[0,0,-5,-5]', '[1e308,1e308,1e308,1e308]', '[-1e308,-1e308,1e308,1e308]', '["a",1,2,3]', '[0,0,0,0]', '[1,2,3,4,5]', '[null,1,2,3]'];
const KEYPOINTS = [
  '[1,2,3]',
  `[${repeat(51, '1e308')}]`,
  `[${repeat(51, '-1')}]`,
  `[${repeat(51, '"a"')}]`,
  `[${repeat(52, '1')}]`,
  `[${repeat(51, '0')}]`,
  `[${repeat(51, 'null')}]`,
];
const ALL_VALUES = [...NUMBERS, ...OTHERS, ...POLYGONS, ...RLES, ...BOXES, ...KEYPOINTS];

interface EvaluationCase {
  iouType: IouType;
  where: Where;
  field: string;
  /** The odd value, as JSON text. */
  value: string;
  /** Picks the record, whatever their count. */
  pick: number;
}

/** Every shaped value in the field it imitates, for every IoU type that reads that field. */
const FIXED: EvaluationCase[] = [
  ...[...POLYGONS, ...RLES].flatMap((value, i) => [
    { iouType: 'segm' as const, where: 'annotation' as const, field: 'segmentation', value, pick: i },
    { iouType: 'segm' as const, where: 'result' as const, field: 'segmentation', value, pick: i },
  ]),
  ...BOXES.flatMap((value, i) => [
    { iouType: 'bbox' as const, where: 'annotation' as const, field: 'bbox', value, pick: i },
    { iouType: 'bbox' as const, where: 'result' as const, field: 'bbox', value, pick: i },
  ]),
  ...KEYPOINTS.flatMap((value, i) => [
    { iouType: 'keypoints' as const, where: 'annotation' as const, field: 'keypoints', value, pick: i },
    { iouType: 'keypoints' as const, where: 'result' as const, field: 'keypoints', value, pick: i },
  ]),
  ...['0', '-1', '1.5', '1e9', '70000', '2147483648', '4294967296'].flatMap((value, i) => [
    { iouType: 'segm' as const, where: 'image' as const, field: 'width', value, pick: i },
    { iouType: 'segm' as const, where: 'image' as const, field: 'height', value, pick: i },
  ]),
];

const sampled: fc.Arbitrary<EvaluationCase> = fc
  .record({
    iouType: fc.constantFrom<IouType>('bbox', 'segm', 'keypoints'),
    where: fc.constantFrom<Where>('annotation', 'image', 'result'),
    fieldPick: fc.nat(100),
    value: fc.constantFrom(...ALL_VALUES),
    pick: fc.nat(1000),
  })
  .map(({ iouType, where, fieldPick, value, pick }) => {
    const fields = FIELDS[iouType][where];
    return { iouType, where, field: fields[fieldPick % fields.length]!, value, pick };
  });

const MARK = '\u0001odd\u0001';

/** The fixture's text with `fuzz`'s value in one record (the ground truth or the results, as `fuzz.where` says). */
async function oddText(fuzz: EvaluationCase, file: string): Promise<string> {
  return withOddValue(fuzz, JSON.parse(await readFile(file, 'utf8')));
}

/**
 * The fixture's results without those of a category the ground truth lacks
 * (99: COCOeval leaves them out, and the loader would refuse them), with the
 * odd value when it goes in a result.
 */
async function resultsText(fuzz: EvaluationCase, file: string): Promise<string> {
  const results = (JSON.parse(await readFile(file, 'utf8')) as { category_id: number }[]).filter((r) => r.category_id !== 99);
  return fuzz.where === 'result' ? withOddValue(fuzz, results) : JSON.stringify(results);
}

function withOddValue(fuzz: EvaluationCase, json: any): string {
  const records: Record<string, unknown>[] = fuzz.where === 'result' ? json : fuzz.where === 'image' ? json.images : json.annotations;
  records[fuzz.pick % records.length]![fuzz.field] = MARK;
  return JSON.stringify(json).replace(JSON.stringify(MARK), fuzz.value);
}

const label = (fuzz: EvaluationCase) =>
  `${fuzz.value.slice(0, 60)} as the ${fuzz.field} of a ${fuzz.iouType} ${fuzz.where === 'result' ? 'result' : `ground-truth ${fuzz.where}`}`;

describe('fuzzing evaluations with odd ground truths and results (seeded)', function () {
  this.timeout(300_000);
  const server = useTestServer({ MAX_CONCURRENT_JOBS: '3' });

  /** How the cases ended: evaluations that ran to an end, and those that failed, so that the test cannot pass by refusing everything early. */
  const ended = { evaluated: 0, failed: 0 };
  /** A dataset of the fixture's ground truth per IoU type: the results' cases load beside it. */
  const plain = new Map<IouType, number>();
  /** The fixtures' ground truths as an ingest takes them, written once, before the cases read them at the same time. */
  const ingestables = new Map<IouType, string>();
  before(async () => {
    for (const iouType of ['bbox', 'segm', 'keypoints'] as const) {
      ingestables.set(iouType, await ingestable(server, FIXTURES[iouType].gt, 'val'));
      plain.set(iouType, await datasetOf(ingestables.get(iouType)!, `plain-${iouType}`));
    }
  });

  async function datasetOf(annotationPath: string, name: string): Promise<number> {
    const done = await ingest(server, { annotation_path: annotationPath, thumbnails: 'none', split: 'val', dataset_name: name });
    if (done.event !== 'complete') throw new Error(`the fixture's ingest ended ${done.event}: ${JSON.stringify(done)}`);
    return Number(done.dataset_id);
  }

  /**
   * Stores `fuzz`'s odd record and evaluates it. The ingest or the results'
   * load may refuse it; once stored, the evaluation must end, with figures
   * COCOeval could give or with a failure that is not a crash, and keep
   * nothing of a failure. Resolves with what was wrong, or null.
   */
  async function check(fuzz: EvaluationCase, n: number): Promise<string | null> {
    const what = label(fuzz);
    const { results } = FIXTURES[fuzz.iouType];
    let datasetId: number;
    const resultsPath = path.join(server.scratch, `results-${n}.json`);
    await writeFile(resultsPath, await resultsText(fuzz, path.join(EVALUATION_DIR, results)));
    if (fuzz.where === 'result') {
      datasetId = plain.get(fuzz.iouType)!;
    } else {
      const gtPath = path.join(server.scratch, `odd-gt-${n}.json`);
      await writeFile(gtPath, await oddText(fuzz, ingestables.get(fuzz.iouType)!));
      const done = await ingest(server, { annotation_path: gtPath, thumbnails: 'none', split: 'val', dataset_name: `odd-${n}` });
      if (done.event !== 'complete') return refusedWell(what, 'ingest', done);
      datasetId = Number(done.dataset_id);
    }
    // on_invalid stays "fail": a result the loader refuses ends the case there, and one it keeps reaches the matching.
    const loaded = await postPredictions(server, datasetId, { annotation_path: resultsPath, name: `p${n}` });
    if (loaded.event !== 'complete') return refusedWell(what, 'results', loaded);
    const posted = await postEvaluation(server, datasetId, { predictions: `p${n}`, iou_type: fuzz.iouType, name: `e${n}` });
    if (posted.status !== 202) return refusedWell(what, 'evaluation request', { status: posted.status, ...posted.body });
    const terminal = terminalOf(await followJob(server.url, posted.body.job_id))!;
    ended.evaluated++;
    // A failed evaluation is listed as `failed`, with its error and no figures (docs/evaluation.md).
    const listed = (await getJson(`${server.url}/datasets/${datasetId}/evaluations`)).body as { items: { name: string; status: string }[] };
    const status = listed.items.find((e) => e.name === `e${n}`)?.status;
    if (terminal.event === 'complete') {
      const summary = terminal.data.summary as number[];
      const valid = summary.length === (fuzz.iouType === 'keypoints' ? 10 : 12) && summary.every((v) => v === -1 || (v >= 0 && v <= 1));
      if (!valid) return `${what}: a summary COCOeval cannot give: ${JSON.stringify(summary)}`;
      return status === 'ready' ? null : `${what}: completed but is listed as ${status}`;
    }
    ended.failed++;
    const failed = refusedWell(what, 'evaluation', { event: terminal.event, ...terminal.data });
    return failed ?? (status === 'failed' ? null : `${what}: the failed evaluation is listed as ${status}`);
  }

  it('ends every evaluation of odd shapes, boxes, keypoints, sizes and scores with figures or a failure that names the record, never a crash', async () => {
    const all = [...FIXED, ...fc.sample(sampled, { seed: SEED, numRuns: RUNS })];
    const failures: string[] = [];
    await forEachAtOnce(all, 3, async (fuzz, n) => {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`${label(fuzz)}: did not end within ${CASE_LIMIT_MS} ms`), CASE_LIMIT_MS);
      });
      try {
        const wrong = await Promise.race([check(fuzz, n), limit]);
        if (wrong !== null) failures.push(wrong);
      } catch (err) {
        failures.push(`${label(fuzz)}: ${(err as Error).message.slice(0, 400)}`);
      } finally {
        clearTimeout(timer);
      }
    });
    expect(failures, failures.join('\n')).to.deep.equal([]);
    // The fixed cases alone store a dozen RLEs whose runs miss their size and masks past 2^32 pixels, which only the
    // matching can refuse, and far-off polygons, zero boxes and keypoints that it must score.
    expect(ended.failed).to.be.at.least(10);
    expect(ended.evaluated - ended.failed).to.be.at.least(20);
  });

  it("still gives pycocotools' figures afterwards: no worker was left wedged or broken", async () => {
    const datasetId = plain.get('segm')!;
    const loaded = await postPredictions(server, datasetId, {
      annotation_path: path.join(EVALUATION_DIR, FIXTURES.segm.results),
      name: 'after',
      on_invalid: 'skip',
    });
    expect(loaded.event).to.equal('complete');
    const { terminal } = await evaluate(server, datasetId, { predictions: 'after', iou_type: 'segm' });
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    const expected = await reference('segm');
    (terminal.data.summary as number[]).forEach((v, i) => {
      expect(v).to.be.closeTo(expected.stats[i]!, 1e-9);
    });
    expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
  });
});

/** A job that refused the odd record must say so with a code of the registry that is not a crash, and a message; returns what was wrong, or null. */
function refusedWell(what: string, step: string, end: Record<string, any>): string | null {
  // A request refused before any job starts: a client error with the registry's body.
  if (end.event === undefined && end.status >= 400 && end.status < 500)
    return typeof end.error?.code === 'string' ? null : `${what}: the ${step} was refused without a code: ${JSON.stringify(end)}`;
  if (end.event !== 'failed') return `${what}: the ${step} ended ${end.event ?? `with status ${end.status}`}: ${JSON.stringify(end).slice(0, 300)}`;
  if (end.code === 'INTERNAL' || end.code === 'WORKER_CRASHED') return `${what}: the ${step} crashed (${end.code}): ${end.message}`;
  if (typeof end.message !== 'string' || end.message.length === 0) return `${what}: the ${step} failed without a message`;
  return null;
}
