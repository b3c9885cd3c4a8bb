// Takes docs/images/evaluation.png for the README: the real service on a free
// port ingests the sample dataset (fixtures/coco-sample, val), loads its
// results file as a prediction set, evaluates it (bbox), and headless
// Chromium photographs the evaluation page. Run by hand, not by the tests:
//   npm run build && node dist/test/helpers/takeEvaluationScreenshot.js
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { launchChromium } from './launchChromium.js';
import { postIngest } from './sse.js';
import { REPO_ROOT, SAMPLE_DIR, startTestServer } from './startTestServer.js';
import { completed, postJob } from './tinyEvaluatedDataset.js';

const out = path.join(REPO_ROOT, 'docs/images/evaluation.png');
const server = await startTestServer();
const browser = await launchChromium();
try {
  const ingest = await postIngest(server.url, {
    annotation_path: path.join(SAMPLE_DIR, 'annotations/instances_val.json'),
    image_dir: path.join(SAMPLE_DIR, 'images/val'),
    dataset_name: 'coco-sample',
  });
  const id = (await completed(server.url, ingest.job_id, 'the ingest')).dataset_id as number;
  const loaded = await postJob(`${server.url}/datasets/${id}/predictions`, {
    annotation_path: path.join(SAMPLE_DIR, 'annotations/results_val.json'),
    name: 'detector',
  });
  await completed(server.url, loaded.job_id, 'loading the predictions');
  const evaluation = await postJob(`${server.url}/datasets/${id}/evaluations`, { predictions: 'detector', iou_type: 'bbox' });
  const { evaluation: name } = await completed(server.url, evaluation.job_id, 'the evaluation');
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/#/datasets/${id}/evaluations/${name}`);
  await page.waitForSelector('#confusion-body table');
  await page.waitForSelector('#pr-chart path.pr-line', { state: 'attached' });
  const png = await page.screenshot({ fullPage: true });
  await mkdir(path.dirname(out), { recursive: true });
  // A palette PNG: flat colours and lines, so 256 colours keep it sharp and small.
  await sharp(png).png({ palette: true, effort: 10 }).toFile(out);
  console.log(`${path.relative(REPO_ROOT, out)}: ${(await stat(out)).size} bytes`);
} finally {
  await browser.close();
  await server.stop();
}
