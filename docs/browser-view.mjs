// Takes docs/browser-view.png: the real service, on a free port with a fresh
// DATA_DIR, ingests the fixture dataset (both splits), and Debian's headless
// Chromium photographs its thumbnail grid. Run after `npm run build`:
//   node docs/browser-view.mjs
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { loadConfig } from '../dist/src/config.js';
import { createLogger } from '../dist/src/logger.js';
import { startServer } from '../dist/src/server/startServer.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'docs/browser-view.png');
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'coco-ingest-screenshot-'));
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, INGEST_ROOTS: path.join(root, 'fixtures'), LOG_LEVEL: 'silent' }, root);
const server = await startServer(config, createLogger(config.logLevel));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  /** One split of the fixture dataset, ingested; resolves with its terminal event's data once it is `complete`. */
  const ingest = async (split, datasetId) => {
    const response = await fetch(`${server.url}/datasets/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        annotation_path: path.join(root, `fixtures/coco-sample/annotations/instances_${split}.json`),
        image_dir: path.join(root, `fixtures/coco-sample/images/${split}`),
        ...(datasetId ? { dataset_id: datasetId } : {}),
      }),
    });
    const stream = await response.text(); // the stream ends with its terminal event
    const last = stream.trim().split('\n\n').at(-1);
    if (!last.startsWith('event:complete')) throw new Error(`the ${split} ingest did not complete:\n${last}`);
    return JSON.parse(
      last
        .split('\n')
        .find((line) => line.startsWith('data:'))
        .slice(5),
    );
  };
  const { dataset_id: id } = await ingest('val');
  await ingest('train', id);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}/#/datasets/${id}`);
  await page.waitForFunction(() => {
    const images = [...document.querySelectorAll('#grid img')];
    return images.length === 20 && images.every((img) => img.complete && img.naturalWidth > 0);
  });
  const png = await page.screenshot();
  // A palette PNG: the page is flat colour around small thumbnails, so 256 colours keep it sharp and small.
  await sharp(png).png({ palette: true, effort: 10 }).toFile(out);
  console.log(`${path.relative(root, out)}: ${(await stat(out)).size} bytes`);
} finally {
  await browser.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
