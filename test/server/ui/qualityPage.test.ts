import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ingest } from '../../helpers/ingest.js';
import { launchChromium } from '../../helpers/launchChromium.js';
import { writeLeakyDataset } from '../../helpers/leakyDataset.js';
import { startTestServer, type TestServer } from '../../helpers/startTestServer.js';

describe('the Quality page of the browser view (headless Chromium)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let datasetId: number;
  const errors: string[] = [];

  before(async () => {
    server = await startTestServer();
    const files = await writeLeakyDataset(path.join(server.scratch, 'leaky'));
    const val = await ingest(server, { annotation_path: files.annotations.val, image_dir: files.images.val, split: 'val', dataset_name: 'leaky' });
    datasetId = val.dataset_id;
    await ingest(server, { annotation_path: files.annotations.train, image_dir: files.images.train, split: 'train', dataset_id: datasetId });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the duplicate groups side by side as thumbnails, leaks first', async () => {
    await page.goto(`${server.url}/#/datasets/${datasetId}`);
    // The link is in the page from the start; it leads somewhere once the dataset's page has set it.
    await page.click(`#dataset-quality[href="#/datasets/${datasetId}/quality"]`);
    await page.waitForSelector('#duplicates-summary');
    // These predicates run in the page; this project compiles without DOM types, hence `any`.
    await page.waitForFunction(() =>
      [...(globalThis as any).document.querySelectorAll('.duplicate-group img')].every((img: any) => img.complete && img.naturalWidth > 0),
    );
    const groups = await page.$$eval('.duplicate-group', (nodes) =>
      nodes.map((n: any) => ({ leak: n.classList.contains('leak'), images: n.querySelectorAll('img').length })),
    );
    expect(groups.length).to.be.at.least(4);
    const firstOther = groups.findIndex((g) => !g.leak);
    expect(groups.slice(0, firstOther).every((g) => g.leak)).to.equal(true);
    expect(groups.slice(firstOther).every((g) => !g.leak)).to.equal(true);
    expect(groups.every((g) => g.images >= 2)).to.equal(true);
    expect(errors).to.deep.equal([]);
  });

  it('lists the checks with their counts; a check that finds nothing links nowhere', async () => {
    const checks = await page.$$eval('#checks li', (nodes) => nodes.map((n: any) => n.getAttribute('data-check')));
    expect(checks).to.include.members(['box_outside_image', 'duplicate_annotation', 'image_without_annotations', 'crowd_polygon']);
    // Every image of the leaky dataset has one box, 10 px: none is outside; none without annotations.
    expect(await page.textContent('[data-check=box_outside_image] .count')).to.equal(' 0 annotations');
    expect(await page.$('[data-check=box_outside_image] a')).to.equal(null);
  });

  it('shows the grid of the samples with a duplicate in another split at #/datasets/{id}?duplicates=cross_split', async () => {
    // A fresh load, so that no earlier grid's count is read.
    await page.goto('about:blank');
    await page.goto(`${server.url}/#/datasets/${datasetId}?duplicates=cross_split`);
    // Of the 14 images, the 6 exact, resized and re-encoded copies and their originals at least; never v6, t6, t7, t8.
    await page.waitForFunction(() => /^(\d+) of \1$/.test((globalThis as any).document.querySelector('#page-info').textContent));
    const [shown] = ((await page.textContent('#page-info')) ?? '').split(' ').map(Number);
    expect(shown).to.be.within(6, 10);
  });
});
