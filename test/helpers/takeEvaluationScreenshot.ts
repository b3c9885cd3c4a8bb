// Takes docs/images/evaluation.png for the README: the real service on a free
// port evaluates the hand-made fixture (evaluatedFixture.ts), and headless
// Chromium photographs its evaluation page. Run by hand, not by the tests:
//   npm run build && node dist/test/helpers/takeEvaluationScreenshot.js
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { evaluatedFixture } from './evaluatedFixture.js';
import { launchChromium } from './launchChromium.js';
import { REPO_ROOT, startTestServer } from './startTestServer.js';

const out = path.join(REPO_ROOT, 'docs/images/evaluation.png');
const server = await startTestServer();
const browser = await launchChromium();
try {
  const { datasetId } = await evaluatedFixture(server.url, server.scratch);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/#/datasets/${datasetId}/evaluations/detector-bbox`);
  await page.waitForSelector('#confusion-body table');
  await page.waitForSelector('#pr-chart path.pr-line');
  const png = await page.screenshot({ fullPage: true });
  await mkdir(path.dirname(out), { recursive: true });
  // A palette PNG: flat colours and lines, so 256 colours keep it sharp and small.
  await sharp(png).png({ palette: true, effort: 10 }).toFile(out);
  console.log(`${path.relative(REPO_ROOT, out)}: ${(await stat(out)).size} bytes`);
} finally {
  await browser.close();
  await server.stop();
}
