import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { datasetWithPredictions, EVALUATION_DIR, evaluate, ingestable, postEvaluation, type Reference, reference } from '../helpers/evaluations.js';
import { ingest, postPredictions } from '../helpers/ingest.js';
import { followJob, getJson, terminalOf } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

interface GroundTruth {
  id: number;
  image_id: number;
  category_id: number;
  iscrowd: number;
  bbox: number[];
}

/**
 * A hand-made prediction set whose outcomes are known without running anything:
 * one exact person box on ground truth 1000 (a true positive), and one exact box
 * on the dog 1009 labelled cat, score 0.5 (a false positive confused with 1009).
 */
const SOLO = [
  { image_id: 1, category_id: 1, bbox: [52.62, 161.37, 87.4, 85.57], score: 0.9 },
  { image_id: 2, category_id: 4, bbox: [165.42, 65.57, 74.74, 76.6], score: 0.5 },
];

/** pycocotools' errors (fp + fn at IoU 0.5, area all) per image, from its evalImgs. */
function referenceErrors(ref: Reference): Map<number, { tp: number; fp: number; fn: number }> {
  const byImage = new Map<number, { tp: number; fp: number; fn: number }>();
  for (const e of ref.evalImgs) {
    const counts = byImage.get(e.imageId) ?? { tp: 0, fp: 0, fn: 0 };
    e.dtIds.forEach((_, i) => {
      if (e.dtIgnore[0]![i]) return;
      if (e.dtMatches[0]![i]) counts.tp++;
      else counts.fp++;
    });
    e.gtIds.forEach((_, i) => {
      if (!e.gtIgnore[i] && !e.gtMatches[0]![i]) counts.fn++;
    });
    byImage.set(e.imageId, counts);
  }
  return byImage;
}

describe('browsing an evaluation: its figures, samples and annotations', () => {
  let server: TestServer;
  let datasetId: number;
  let ref: Reference;
  let gts: GroundTruth[];
  /** Sample id by COCO image id. */
  const samples = new Map<number, number>();

  before(async () => {
    server = await startTestServer();
    datasetId = await datasetWithPredictions(server, 'instances_gt.json', {
      model: 'results_bbox.json',
      again: 'results_bbox.json',
      masks: 'results_segm.json',
    });
    const solo = path.join(server.scratch, 'solo.json');
    await writeFile(solo, JSON.stringify(SOLO));
    expect((await postPredictions(server, datasetId, { annotation_path: solo, name: 'solo' })).event).to.equal('complete');
    ref = await reference('bbox');
    gts = (JSON.parse(await readFile(path.join(EVALUATION_DIR, 'instances_gt.json'), 'utf8')) as { annotations: GroundTruth[] }).annotations;
    for (const [predictions, name] of [
      ['model', 'model-bbox'],
      ['again', 'again'],
      ['solo', 'solo'],
    ]) {
      const { terminal } = await evaluate(server, datasetId, { predictions, iou_type: 'bbox', name });
      expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    }
    const { body } = await getJson(`${server.url}/samples?dataset_id=${datasetId}&limit=200`);
    for (const s of body.items) samples.set(s.coco_id, s.id);
  });
  after(async () => {
    await server.stop();
  });

  const samplesOf = async (query: string) => {
    const { status, body } = await getJson(`${server.url}/samples?dataset_id=${datasetId}&${query}`);
    expect(status, JSON.stringify(body)).to.equal(200);
    return body as { items: { id: number; coco_id: number; errors?: number }[]; total: number; next_cursor: string | null };
  };

  it('lists the evaluations with their summaries, oldest first', async () => {
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations`);
    expect(body.items.map((e: any) => e.name)).to.deep.equal(['model-bbox', 'again', 'solo']);
    const first = body.items[0];
    expect(first).to.include({ predictions: 'model', iou_type: 'bbox', split: 'val', status: 'ready' });
    expect(first.summary).to.have.length(12);
    expect(first.duration_ms).to.be.a('number');
  });

  it("gives each category's counts at IoU 0.5 as pycocotools' matches say, and its predictions as the results file has them", async () => {
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations/model-bbox`);
    const results = JSON.parse(await readFile(path.join(EVALUATION_DIR, 'results_bbox.json'), 'utf8')) as { category_id: number }[];
    for (const category of body.per_category) {
      expect(category.predictions, category.name).to.equal(results.filter((r) => r.category_id === category.category_id).length);
      const entries = ref.evalImgs.filter((e) => e.categoryId === category.category_id);
      const tp = entries.reduce((n, e) => n + e.dtIds.filter((_, i) => !e.dtIgnore[0]![i] && e.dtMatches[0]![i]).length, 0);
      const fp = entries.reduce((n, e) => n + e.dtIds.filter((_, i) => !e.dtIgnore[0]![i] && !e.dtMatches[0]![i]).length, 0);
      const fn = entries.reduce((n, e) => n + e.gtIds.filter((_, i) => !e.gtIgnore[i] && !e.gtMatches[0]![i]).length, 0);
      const gt = gts.filter((g) => g.category_id === category.category_id && !g.iscrowd).length;
      expect(category, category.name).to.include({ tp, fp, fn, gt });
    }
  });

  it("gives pycocotools' 101-point precision as each category's PR curves", async () => {
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations/model-bbox`);
    expect(body.pr_curves).to.have.length(ref.catIds.length * 2);
    for (const curve of body.pr_curves) {
      const theirs = ref.perCategory.find((c) => c.categoryId === curve.category_id)!;
      expect(curve.recall).to.deep.equal((ref as unknown as { recThrs: number[] }).recThrs);
      const expected = curve.iou === 0.5 ? theirs.precision50 : theirs.precision75;
      curve.precision.forEach((p: number, i: number) => expect(p).to.be.closeTo(expected[i]!, 1e-12));
    }
  });

  it('keeps the images with a true positive, a false positive or a miss, and counts them in total', async () => {
    const errors = referenceErrors(ref);
    for (const outcome of ['tp', 'fp', 'fn'] as const) {
      const expected = [...errors]
        .filter(([, c]) => c[outcome] > 0)
        .map(([image]) => image)
        .sort((a, b) => a - b);
      const page = await samplesOf(`evaluation=model-bbox&outcome=${outcome}&limit=200`);
      expect(
        page.items.map((s) => s.coco_id).sort((a, b) => a - b),
        outcome,
      ).to.deep.equal(expected);
      expect(page.total).to.equal(expected.length);
    }
  });

  it('keeps, with a category, the images that have that outcome in that category', async () => {
    const expected = ref.evalImgs
      .filter((e) => e.categoryId === 2 && e.gtIds.some((_, i) => !e.gtIgnore[i] && !e.gtMatches[0]![i]))
      .map((e) => e.imageId)
      .sort((a, b) => a - b);
    const page = await samplesOf('evaluation=model-bbox&outcome=fn&category=car&limit=200');
    expect(page.items.map((s) => s.coco_id).sort((a, b) => a - b)).to.deep.equal(expected);
  });

  it('orders the images by errors, worst first and ties by id, and a cursor walk gives the same order', async () => {
    const errors = referenceErrors(ref);
    const bySample = [...errors].map(([image, c]) => ({ id: samples.get(image)!, errors: c.fp + c.fn }));
    const expected = bySample.sort((a, b) => b.errors - a.errors || a.id - b.id);
    const page = await samplesOf('evaluation=model-bbox&sort=errors&limit=200');
    expect(page.items.map((s) => ({ id: s.id, errors: s.errors }))).to.deep.equal(expected);
    const walked: number[] = [];
    let cursor: string | null = null;
    do {
      const next = await samplesOf(`evaluation=model-bbox&sort=errors&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      walked.push(...next.items.map((s) => s.id));
      cursor = next.next_cursor;
    } while (cursor !== null);
    expect(walked).to.deep.equal(expected.map((e) => e.id));
  });

  it('gives the images where the second evaluation makes more errors than the first', async () => {
    const a = referenceErrors(ref);
    // The solo set misses every ground truth but 1000 and adds one false positive on image 2 (crowd regions are never missed).
    const soloErrors = (image: number) => gts.filter((g) => g.image_id === image && !g.iscrowd && g.id !== 1000).length + (image === 2 ? 1 : 0);
    const expected = [...a]
      .filter(([image, c]) => soloErrors(image) > c.fp + c.fn)
      .map(([image]) => samples.get(image)!)
      .sort((x, y) => x - y);
    const page = await samplesOf('regressed=model-bbox,solo&limit=200');
    expect(page.items.map((s) => s.id)).to.deep.equal(expected);
    expect((await samplesOf('regressed=model-bbox,again&limit=200')).items).to.deep.equal([]);
  });

  it('gives the confusion matrix at IoU 0.5, and recomputes it above a score', async () => {
    const missed = (category: number, but: number[]) => gts.filter((g) => g.category_id === category && !g.iscrowd && !but.includes(g.id)).length;
    const expectedAt = (minScore: number) => {
      const m = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
      m[0]![0] = 1; // person predicted on person 1000
      if (minScore <= 0.5) m[2]![3] = 1; // the dog 1009 predicted as a cat
      for (let c = 1; c <= 5; c++) m[c - 1]![5] = missed(c, minScore <= 0.5 ? [1000, 1009] : [1000]);
      return m;
    };
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations/solo`);
    expect(body.confusion.categories.map((c: any) => c.name)).to.deep.equal(['person', 'car', 'dog', 'cat', 'bird']);
    expect(body.confusion.matrix).to.deep.equal(expectedAt(0));
    const above = await getJson(`${server.url}/datasets/${datasetId}/evaluations/solo?min_score=0.6`);
    expect(above.body.confusion).to.include({ min_score: 0.6, iou: 0.5 });
    expect(above.body.confusion.matrix).to.deep.equal(expectedAt(0.6));
  });

  it('gives the images of a confusion cell', async () => {
    expect((await samplesOf('evaluation=solo&confusion=3,4')).items.map((s) => s.coco_id)).to.deep.equal([2]);
    expect((await samplesOf('evaluation=solo&confusion=3,4&min_score=0.6')).items).to.deep.equal([]);
    expect((await samplesOf('evaluation=solo&confusion=1,1')).items.map((s) => s.coco_id)).to.deep.equal([1]);
    const missedCars = [...new Set(gts.filter((g) => g.category_id === 2 && !g.iscrowd).map((g) => g.image_id))].sort((a, b) => a - b);
    expect((await samplesOf('evaluation=solo&confusion=2,background&limit=200')).items.map((s) => s.coco_id)).to.deep.equal(missedCars);
  });

  it("puts each ground truth's and prediction's outcome on its annotations, at IoU 0.5 or 0.75", async () => {
    for (const e of ref.evalImgs) {
      const sample = samples.get(e.imageId)!;
      for (const [iou, t] of [
        ['0.5', 0],
        ['0.75', 5],
      ] as const) {
        const { body } = await getJson(`${server.url}/samples/${sample}/annotations?evaluation=model-bbox&eval_iou=${iou}`);
        e.gtIds.forEach((gtId, i) => {
          const item = body.items.find((a: any) => a.coco_id === gtId);
          const expected = e.gtIgnore[i] ? 'ignored' : e.gtMatches[t]![i] ? 'tp' : 'fn';
          expect(item.eval.outcome, `gt ${gtId} at ${iou}`).to.equal(expected);
          // A crowd region (ignored) may be matched, as COCOeval's gtMatches says.
          expect(item.eval.matched_id !== null, `gt ${gtId} matched`).to.equal(e.gtMatches[t]![i] !== 0);
        });
      }
    }
  });

  it('puts the outcome on the predictions with predictions=<set>', async () => {
    const results = JSON.parse(await readFile(path.join(EVALUATION_DIR, 'results_bbox.json'), 'utf8')) as { image_id: number; score: number; bbox: number[] }[];
    for (const e of ref.evalImgs) {
      const { body } = await getJson(`${server.url}/samples/${samples.get(e.imageId)}/annotations?evaluation=model-bbox&predictions=model`);
      e.dtIds.forEach((dtId, i) => {
        const result = results[dtId - 1]!;
        const item = body.items.find((p: any) => p.score === result.score && p.bbox.every((v: number, k: number) => v === result.bbox[k]));
        const expected = e.dtIgnore[0]![i] ? 'ignored' : e.dtMatches[0]![i] ? 'tp' : 'fp';
        expect(item.eval.outcome, `result ${dtId}`).to.equal(expected);
      });
    }
  });

  it("gives each outcome the match and IoU pycocotools' matches and IoUs say, for ground truths and predictions, at IoU 0.5 and 0.75", async () => {
    const results = JSON.parse(await readFile(path.join(EVALUATION_DIR, 'results_bbox.json'), 'utf8')) as { score: number; bbox: number[] }[];
    let checked = 0;
    for (const e of ref.evalImgs) {
      const sample = samples.get(e.imageId)!;
      // COCOeval's IoUs: a row per detection in evalImgs' order, a column per ground truth of the image and category in file order.
      const fileOrder = gts.filter((g) => g.image_id === e.imageId && g.category_id === e.categoryId).map((g) => g.id);
      const iouOf = (dt: number, gt: number) => e.ious[e.dtIds.indexOf(dt)]![fileOrder.indexOf(gt)]!;
      for (const [iou, t] of [
        ['0.5', 0],
        ['0.75', 5],
      ] as const) {
        const annotations = (await getJson(`${server.url}/samples/${sample}/annotations?evaluation=model-bbox&eval_iou=${iou}`)).body.items as any[];
        const predictions = (await getJson(`${server.url}/samples/${sample}/annotations?evaluation=model-bbox&predictions=model&eval_iou=${iou}`)).body
          .items as any[];
        // A result's row: the one of its score and box (no two results of an image share both).
        const rowOf = (dtId: number) => {
          const row = predictions.find((p) => p.score === results[dtId - 1]!.score && p.bbox.every((v: number, k: number) => v === results[dtId - 1]!.bbox[k]));
          expect(row, `result ${dtId}'s row`).to.not.equal(undefined);
          return row;
        };
        e.dtIds.forEach((dtId, i) => {
          // dtMatches holds the ground truth's COCO id, 0 for none, so the fixture's ground truth of id 0 reads as no match
          // there; gtMatches still names the result it took.
          const taken = e.gtIds.find((_, j) => e.gtMatches[t]![j] === dtId);
          const gtId = e.dtMatches[t]![i]! !== 0 ? e.dtMatches[t]![i]! : (taken ?? null);
          const row = rowOf(dtId);
          if (gtId === null) {
            expect(row.eval.matched_id, `result ${dtId} at ${iou}`).to.equal(null);
            expect(row.eval.iou, `result ${dtId} at ${iou}`).to.equal(null);
            return;
          }
          expect(row.eval.matched_id, `result ${dtId} at ${iou}`).to.equal(annotations.find((a) => a.coco_id === gtId).id);
          expect(row.eval.iou, `result ${dtId} at ${iou}`).to.be.closeTo(iouOf(dtId, gtId), 1e-9);
          checked++;
        });
        e.gtIds.forEach((gtId, i) => {
          const item = annotations.find((a) => a.coco_id === gtId);
          const dtId = e.gtMatches[t]![i]!;
          if (dtId === 0) {
            expect(item.eval.matched_id, `gt ${gtId} at ${iou}`).to.equal(null);
            expect(item.eval.iou, `gt ${gtId} at ${iou}`).to.equal(null);
            return;
          }
          expect(item.eval.matched_id, `gt ${gtId} at ${iou}`).to.equal(rowOf(dtId).id);
          expect(item.eval.iou, `gt ${gtId} at ${iou}`).to.be.closeTo(iouOf(dtId, gtId), 1e-9);
          checked++;
        });
      }
    }
    // Every matched pair of pycocotools' evalImgs at the two thresholds, from both sides.
    expect(checked).to.equal(78);
  });

  it('compares two evaluations of the same split and IoU type, and refuses two that differ', async () => {
    const { status, body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations/compare?a=model-bbox&b=again`);
    expect(status).to.equal(200);
    expect(body.summary.map((s: any) => s.name)).to.deep.equal([
      'AP',
      'AP50',
      'AP75',
      'AP_small',
      'AP_medium',
      'AP_large',
      'AR1',
      'AR10',
      'AR100',
      'AR_small',
      'AR_medium',
      'AR_large',
    ]);
    body.summary.forEach((s: any, i: number) => {
      expect(s.a).to.be.closeTo(ref.stats[i]!, 1e-9);
      expect(s.b).to.be.closeTo(ref.stats[i]!, 1e-9);
      expect(s.diff).to.equal(0);
    });
    expect(body.per_category.map((c: any) => c.a)).to.deep.equal(body.per_category.map((c: any) => c.b));
    body.per_category.forEach((c: any, k: number) => expect(c.a).to.be.closeTo(ref.perCategory[k]!.AP, 1e-9));
    const { terminal } = await evaluate(server, datasetId, { predictions: 'masks', iou_type: 'segm' });
    expect(terminal.event).to.equal('complete');
    const mismatch = await getJson(`${server.url}/datasets/${datasetId}/evaluations/compare?a=model-bbox&b=masks-segm`);
    expect(mismatch.status).to.equal(409);
    expect(mismatch.body.error.code).to.equal('EVALUATION_MISMATCH');
    expect((await getJson(`${server.url}/samples?dataset_id=${datasetId}&regressed=model-bbox,masks-segm`)).status).to.equal(409);
  });

  it('refuses a second evaluation of the same name (409), an unknown set or dataset (404)', async () => {
    const again = await postEvaluation(server, datasetId, { predictions: 'model', iou_type: 'bbox' });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('CONFLICT');
    expect((await postEvaluation(server, datasetId, { predictions: 'nothing', iou_type: 'bbox' })).status).to.equal(404);
    expect((await postEvaluation(server, 999_999, { predictions: 'model', iou_type: 'bbox' })).status).to.equal(404);
    expect((await postEvaluation(server, datasetId, { predictions: 'model', iou_type: 'boxes' })).status).to.equal(400);
    expect((await getJson(`${server.url}/samples?dataset_id=${datasetId}&evaluation=nothing`)).status).to.equal(404);
    expect((await getJson(`${server.url}/samples?dataset_id=${datasetId}&outcome=tp`)).status).to.equal(400);
    // Both missing: the dataset is named, not the evaluation, though the two are looked up at once.
    const neither = await getJson(`${server.url}/samples?dataset_id=999999&evaluation=nothing&category=nothing`);
    expect(neither.status).to.equal(404);
    expect(neither.body.error.message).to.equal('dataset 999999 not found');
  });

  it('lets only one of two requests for the same new name at once through (202 and 409)', async () => {
    const both = await Promise.all([
      postEvaluation(server, datasetId, { predictions: 'model', iou_type: 'bbox', name: 'twice' }),
      postEvaluation(server, datasetId, { predictions: 'model', iou_type: 'bbox', name: 'twice' }),
    ]);
    expect(both.map((r) => r.status).sort()).to.deep.equal([202, 409]);
    const accepted = both.find((r) => r.status === 202)!;
    expect(terminalOf(await followJob(server.url, String(accepted.body.job_id)))?.event).to.equal('complete');
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations/twice`);
    // One evaluation's outcomes, not two: as many true positives at IoU 0.5 as pycocotools' matches.
    const tp = body.per_category.reduce((n: number, c: any) => n + c.tp, 0);
    const { body: model } = await getJson(`${server.url}/datasets/${datasetId}/evaluations/model-bbox`);
    expect(tp).to.equal(model.per_category.reduce((n: number, c: any) => n + c.tp, 0));
    expect((await fetch(`${server.url}/datasets/${datasetId}/evaluations/twice`, { method: 'DELETE' })).status).to.equal(204);
  });

  it('refuses a name the routes could not name again: "compare", or a long set\'s default name (400)', async () => {
    const named = await postEvaluation(server, datasetId, { predictions: 'model', iou_type: 'bbox', name: 'compare' });
    expect(named.status).to.equal(400);
    const long = 'm'.repeat(64);
    const loaded = await postPredictions(server, datasetId, {
      annotation_path: path.join(EVALUATION_DIR, 'results_bbox.json'),
      name: long,
      on_invalid: 'skip',
    });
    expect(loaded.event).to.equal('complete');
    const defaulted = await postEvaluation(server, datasetId, { predictions: long, iou_type: 'bbox' });
    expect(defaulted.status).to.equal(400);
    expect(defaulted.body.error.message).to.contain('name');
    expect((await fetch(`${server.url}/datasets/${datasetId}/predictions/${long}`, { method: 'DELETE' })).status).to.equal(204);
  });

  it('deletes an evaluation with its outcomes (204), and its prediction set takes its evaluations with it', async () => {
    const response = await fetch(`${server.url}/datasets/${datasetId}/evaluations/again`, { method: 'DELETE' });
    expect(response.status).to.equal(204);
    expect((await getJson(`${server.url}/datasets/${datasetId}/evaluations/again`)).status).to.equal(404);
    expect((await getJson(`${server.url}/samples?dataset_id=${datasetId}&evaluation=again&outcome=tp`)).status).to.equal(404);
    expect((await fetch(`${server.url}/datasets/${datasetId}/evaluations/again`, { method: 'DELETE' })).status).to.equal(404);
    expect((await fetch(`${server.url}/datasets/${datasetId}/predictions/solo`, { method: 'DELETE' })).status).to.equal(204);
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations`);
    expect(body.items.map((e: any) => e.name)).to.deep.equal(['model-bbox', 'masks-segm']);
    // The same name can be evaluated again once deleted.
    expect((await evaluate(server, datasetId, { predictions: 'again', iou_type: 'bbox', name: 'again' })).terminal.event).to.equal('complete');
  });

  it('needs a split when the dataset has several, and evaluates the one named', async () => {
    const second = await ingest(server, {
      annotation_path: await ingestable(server, 'instances_gt.json', 'other'),
      thumbnails: 'none',
      split: 'other',
      dataset_id: datasetId,
    });
    expect(second.event).to.equal('complete');
    const missing = await postEvaluation(server, datasetId, { predictions: 'model', iou_type: 'bbox', name: 'which' });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.message).to.match(/split/);
    expect((await postEvaluation(server, datasetId, { predictions: 'model', iou_type: 'bbox', name: 'which', split: 'nope' })).status).to.equal(404);
    const { terminal } = await evaluate(server, datasetId, { predictions: 'model', iou_type: 'bbox', name: 'on-val', split: 'val' });
    expect(terminal.data.split).to.equal('val');
    (terminal.data.summary as number[]).forEach((v, i) => expect(v).to.be.closeTo(ref.stats[i]!, 1e-9));
    // The second split reuses the first's image ids (as Roboflow and CVAT exports do): the results are its too, by image id.
    const other = await evaluate(server, datasetId, { predictions: 'model', iou_type: 'bbox', name: 'on-other', split: 'other' });
    expect(other.terminal.data.split).to.equal('other');
    (other.terminal.data.summary as number[]).forEach((v, i) => expect(v).to.be.closeTo(ref.stats[i]!, 1e-9));
  });

  it('gives a set loaded once two splits share image ids the first split’s samples, as the one loaded before', async () => {
    const loaded = await postPredictions(server, datasetId, {
      annotation_path: path.join(EVALUATION_DIR, 'results_bbox.json'),
      name: 'later',
      on_invalid: 'skip',
    });
    expect(loaded.event).to.equal('complete');
    const results = JSON.parse(await readFile(path.join(EVALUATION_DIR, 'results_bbox.json'), 'utf8')) as { image_id: number }[];
    const imageId = results[0]!.image_id;
    const inSplit = async (split: string) =>
      ((await getJson(`${server.url}/samples?dataset_id=${datasetId}&split=${split}&limit=200`)).body.items as { id: number; coco_id: number }[]).find(
        (s) => s.coco_id === imageId,
      )!;
    const [first, second] = [await inSplit('val'), await inSplit('other')];
    expect(second.id).to.not.equal(first.id);
    const scores = async (sampleId: number, set: string) =>
      ((await getJson(`${server.url}/samples/${sampleId}/annotations?predictions=${set}`)).body.items as { score: number }[]).map((p) => p.score);
    const before = await scores(first.id, 'model');
    expect(before.length).to.be.greaterThan(0);
    expect(await scores(first.id, 'later')).to.deep.equal(before);
    expect(await scores(second.id, 'later')).to.deep.equal([]);
  });
});
