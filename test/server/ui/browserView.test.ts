import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cocoCounts } from '../../helpers/cocoCounts.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../../helpers/startTestServer.js';

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run); CHROMIUM_PATH overrides. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the browser view (headless Chromium)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const counts = cocoCounts(path.join(SAMPLE_DIR, 'annotations/instances_val.json'));

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run apt-get install chromium (or set CHROMIUM_PATH)`);
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('ingests from the form and shows each stage\'s progress live until complete', async () => {
    await page.goto(`${server.url}/`);
    await page.fill('input[name=annotation_path]', 'fixtures/coco-sample/annotations/instances_val.json');
    await page.fill('input[name=image_dir]', 'fixtures/coco-sample/images/val');
    await page.click('button[type=submit]');
    await page.waitForSelector('#job-message.status-ready');
    expect(await page.textContent('#job-message')).to.match(/^complete: ingested 12 images, 46 annotations and 10 categories/);
    expect(await page.textContent('[data-stage=thumbnails] .count')).to.equal(`${counts.images} / ${counts.images}`);
    await page.waitForSelector('#datasets tbody tr');
    expect(await page.textContent('#datasets tbody tr td:nth-child(2)')).to.equal('ready');
  });

  it('shows the dataset\'s thumbnails, and filters them by category', async () => {
    await page.click('#datasets tbody tr');
    // These predicates run in the page; this project compiles without DOM types, hence `any`.
    await page.waitForFunction((n) => {
      const images = [...(globalThis as any).document.querySelectorAll('#grid img')];
      return images.length === n && images.every((img: any) => img.complete && img.naturalWidth > 0);
    }, counts.images);
    const [name, expected] = [...counts.imagesByCategory].find(([, n]) => n < counts.images)!;
    await page.selectOption('#filter-category', name);
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('#grid a').length === n, expected);
    expect(await page.textContent('#page-info')).to.equal(`1–${expected} of ${expected}`);
  });

  it('draws a sample\'s boxes over its image', async () => {
    await page.click('#grid a');
    await page.waitForSelector('#figure svg');
    const fileName = (await page.textContent('#sample-title'))!.split(' · ')[0];
    const image = counts.json.images.find((i: { file_name: string }) => i.file_name === fileName);
    const boxes = counts.json.annotations.filter((a: { image_id: number }) => a.image_id === image.id).length;
    expect(await page.locator('#figure rect').count()).to.equal(boxes);
    expect(await page.locator('#annotations li').count()).to.equal(boxes);
    expect(errors).to.deep.equal([]);
  });
});
