import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { datasetWithPredictions, EVALUATION_DIR, evaluate, reference } from '../../helpers/evaluations.js';
import { launchChromium } from '../../helpers/launchChromium.js';
import { startTestServer, type TestServer } from '../../helpers/startTestServer.js';
import { type EvaluatedFixture, tinyEvaluatedDataset } from '../../helpers/tinyEvaluatedDataset.js';

// Expected values are the fixture's, computed by hand and by pycocotools (see tinyEvaluatedDataset.ts).
// These predicates run in the page; this project compiles without DOM types, hence `any`.

describe('the evaluation in the browser view (headless Chromium)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let fixture: EvaluatedFixture;
  const errors: string[] = [];

  before(async () => {
    server = await startTestServer();
    fixture = await tinyEvaluatedDataset(server.url, server.scratch);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (message) => {
      // Where: a resource's failure names no URL in its text.
      if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(() => expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]));

  /** The file names of the grid's tiles, in order, once there are `n`. */
  async function gridFiles(n: number): Promise<string[]> {
    await page.waitForFunction(
      (count) =>
        (globalThis as any).document.querySelectorAll('#grid a').length === count &&
        !(globalThis as any).document.querySelector('#grid-end').textContent.startsWith('loading'),
      n,
    );
    return page.$$eval('#grid a', (tiles) => tiles.map((a: any) => a.title));
  }

  it("opens an evaluation from the dataset's list and shows its summary to three decimals, undefined numbers as a dash", async () => {
    await page.goto(`${server.url}/#/datasets/${fixture.datasetId}`);
    await page.waitForSelector('#evaluations-table tr[data-evaluation="detector-bbox"]');
    expect(await page.textContent('#evaluations-table tr[data-evaluation="detector-bbox"] td:last-child')).to.equal('0.252');
    await page.click('#evaluations-table tr[data-evaluation="detector-bbox"] a');
    await page.waitForSelector('#evaluation-summary td[data-stat="AP"]');
    const stat = (name: string) => page.textContent(`#evaluation-summary td[data-stat="${name}"]`);
    expect(await stat('AP')).to.equal('0.252');
    expect(await stat('AP50')).to.equal('0.252');
    expect(await stat('AP75')).to.equal('0.252');
    expect(await stat('AP_small')).to.equal('—');
    expect(await stat('AP_medium')).to.equal('—');
    expect(await stat('AP_large')).to.equal('0.252');
    expect(await stat('AR_large')).to.equal('0.250');
    expect(await page.locator('#evaluation-summary td').count()).to.equal(12);
    expect(await page.textContent('#evaluation-title')).to.equal('evaluated · detector-bbox');
  });

  it('charts the AP of each category as bars, best first, the category without ground truth last with a dash', async () => {
    const bars = await page.$$eval('#evaluation-ap .ap-bar', (gs) => gs.map((g: any) => [g.dataset.category, g.querySelector('text.value').textContent]));
    expect(bars).to.deep.equal([
      ['cat', '0.505'],
      ['dog', '0.000'],
      ['bird', '—'],
    ]);
    const axis = await page.$eval('#evaluation-ap line.axis', (l: any) => Number(l.getAttribute('x2')) - Number(l.getAttribute('x1')));
    const cat = await page.$eval('#evaluation-ap .ap-bar[data-category="cat"] rect', (r: any) => Number(r.getAttribute('width')));
    expect(cat / axis).to.be.closeTo(51 / 101, 1e-6);
    expect(await page.locator('#evaluation-ap svg > title').textContent()).to.match(/AP per category/);
  });

  it("draws the chosen category's PR curves at IoU 0.5 and 0.75, and switches category", async () => {
    /** Each curve's points' y (SVG, down is lower precision), by its IoU. */
    const curves = () =>
      page.$$eval('#pr-chart path.pr-line', (paths) =>
        paths.map((p: any) => [p.dataset.iou, [...p.getAttribute('d').matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m: any) => Number(m[1]))]),
      );
    expect(await page.inputValue('#pr-category')).to.equal('1');
    const cat = await curves();
    expect(cat.map(([iou]) => iou)).to.deep.equal(['0.5', '0.75']);
    // Precision 1 up to recall 0.5 (51 of the 101 recall points), then 0: at both IoUs, the match being exact.
    for (const [, ys] of cat) {
      const top = Math.min(...(ys as number[]));
      const bottom = Math.max(...(ys as number[]));
      expect((ys as number[]).slice(0, 51).every((y) => y === top)).to.equal(true);
      expect((ys as number[]).slice(51).every((y) => y === bottom)).to.equal(true);
      expect(ys).to.have.lengthOf(101);
    }
    expect(await page.locator('#pr-chart .legend li').allTextContents()).to.deep.equal(['IoU 0.5', 'IoU 0.75']);
    await page.selectOption('#pr-category', { label: 'dog' });
    await page.waitForFunction(() => /^dog:/.test((globalThis as any).document.querySelector('#pr-chart svg > title').textContent));
    // The dog's one prediction is a false positive: precision 0 at every recall, the curves flat at the bottom.
    const dog = await curves();
    const bottom = Math.max(...cat.flatMap(([, ys]) => ys as number[]));
    for (const [, ys] of dog) expect(new Set(ys as number[])).to.deep.equal(new Set([bottom]));
    expect(page.url()).to.match(/\?category=2$/);
  });

  it('shows the confusion as a heat map by row share, and a cell opens the grid of its images', async () => {
    const cell = '#confusion-body td[data-gt="2"][data-predicted="1"]';
    expect(await page.textContent(cell)).to.equal('1');
    expect(await page.textContent('#confusion-body td[data-gt="1"][data-predicted="1"]')).to.equal('1');
    // An empty cell stays white; a filled one is coloured.
    const background = (selector: string) => page.$eval(selector, (td: any) => (globalThis as any).getComputedStyle(td).backgroundColor);
    expect(await background('#confusion-body td[data-gt="2"][data-predicted="2"]')).to.equal('rgb(255, 255, 255)');
    expect(await background(cell)).to.not.equal('rgb(255, 255, 255)');
    // By the row's share: dog's one entry is all its row, cat's found cat half of its row (the other half, its miss).
    expect(await page.textContent('#confusion-body td[data-gt="1"][data-predicted="background"]')).to.equal('1');
    expect(await background('#confusion-body td[data-gt="1"][data-predicted="1"]')).to.equal(
      await background('#confusion-body td[data-gt="1"][data-predicted="background"]'),
    );
    expect(await background('#confusion-body td[data-gt="1"][data-predicted="1"]')).to.not.equal(await background(cell));
    await page.click(`${cell} a`);
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#dataset').hidden === false);
    expect(new URL(page.url()).hash).to.match(/confusion=2%2C1/);
    expect(await gridFiles(1)).to.deep.equal(['000000000285.jpg']);
    expect(await page.textContent('#grid-filter-note')).to.equal('images where dog was predicted as cat');
  });

  it("reads the confusion again above the score chosen, and its cells' links keep it", async () => {
    await page.goto(`${server.url}/#/datasets/${fixture.datasetId}/evaluations/detector-bbox`);
    const cell = (gt: string, predicted: string) => `#confusion-body td[data-gt="${gt}"][data-predicted="${predicted}"]`;
    await page.waitForSelector(cell('background', '1'));
    // The cat (0.7) and the dog (0.6) predicted where nothing is.
    expect(await page.textContent(cell('background', '1'))).to.equal('1');
    expect(await page.textContent(cell('background', '2'))).to.equal('1');
    await page.fill('#confusion-min-score', '0.75');
    await page.dispatchEvent('#confusion-min-score', 'change');
    await page.waitForFunction((selector) => (globalThis as any).document.querySelector(selector).textContent === '0', cell('background', '1'));
    expect(await page.textContent(cell('background', '2'))).to.equal('0');
    expect(await page.textContent(cell('2', '1'))).to.equal('1');
    expect(page.url()).to.match(/\?min_score=0\.75$/);
    expect(await page.getAttribute(`${cell('2', '1')} a`, 'href')).to.match(/&min_score=0\.75$/);
  });

  it('shows only the images with errors in the grid, worst first', async () => {
    await page.goto(`${server.url}/#/datasets/${fixture.datasetId}`);
    expect(await gridFiles(3)).to.have.members(['000000000139.jpg', '000000000285.jpg', '000000001000.jpg']);
    await page.selectOption('#filter-evaluation', 'detector-bbox');
    // The outcome can be chosen once the grid has the evaluation.
    await page.waitForSelector('#filter-outcome:enabled');
    await page.selectOption('#filter-outcome', 'errors');
    await page.waitForFunction(() => /outcome=errors/.test((globalThis as any).document.location.hash));
    // 000000001000.jpg: a miss and two false positives; 000000000285.jpg: a miss and one; 000000000139.jpg: none.
    expect(await gridFiles(2)).to.deep.equal(['000000001000.jpg', '000000000285.jpg']);
    expect(await page.textContent('#page-info')).to.equal('2 image(s) with errors');
    expect(await page.locator('#grid span.errors').allTextContents()).to.deep.equal(['3 errors', '2 errors']);
    await page.selectOption('#filter-outcome', 'tp');
    expect(await gridFiles(1)).to.deep.equal(['000000000139.jpg']);
  });

  it('colours predictions by outcome and draws missed ground truth apart, with a legend', async () => {
    // From the grid, an image opens with the evaluation chosen.
    await page.click('#grid a');
    await page.waitForSelector('#figure .prediction.outcome-tp rect');
    const strokes = (selector: string) => page.$$eval(selector, (rects) => rects.map((r: any) => r.getAttribute('stroke')));
    // Okabe and Ito's colours: bluish green, vermilion, orange.
    expect(await strokes('#figure .prediction.outcome-tp rect')).to.deep.equal(['#009e73']);
    expect(await page.locator('#figure .truth.outcome-matched rect').count()).to.equal(1);
    expect(await page.locator('#figure .outcome-fn, #figure .outcome-fp').count()).to.equal(0);
    expect(await page.locator('#outcome-legend li[data-outcome]').allTextContents()).to.include.members([
      'true positive',
      'false positive',
      'missed (false negative)',
    ]);

    await page.goto(`${server.url}/#/datasets/${fixture.datasetId}/samples/${fixture.sampleIds.get('000000001000.jpg')}?evaluation=detector-bbox`);
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#figure .prediction.outcome-fp rect').length === 2);
    expect(await strokes('#figure .prediction.outcome-fp rect')).to.deep.equal(['#d55e00', '#d55e00']);
    expect(await strokes('#figure .truth.outcome-fn rect')).to.deep.equal(['#e69f00']);
    expect(await page.$eval('#figure .truth.outcome-fn rect', (r: any) => (globalThis as any).getComputedStyle(r).strokeDasharray)).to.not.equal('none');
    expect(await page.locator('#figure .outcome-tp').count()).to.equal(0);
    expect(await page.isVisible('#outcome-legend')).to.equal(true);
  });

  it("shows pycocotools' numbers for eval-core's reference fixture: the summary, and each category's AP best first", async () => {
    const datasetId = await datasetWithPredictions(server, 'instances_gt.json', { model: 'results_bbox.json' });
    const { terminal } = await evaluate(server, datasetId, { predictions: 'model', iou_type: 'bbox' });
    expect(terminal.event).to.equal('complete');
    const expected = await reference('bbox');
    const shown = (v: number) => (v < 0 ? '—' : v.toFixed(3));
    await page.goto(`${server.url}/#/datasets/${datasetId}/evaluations/model-bbox`);
    await page.waitForSelector('#evaluation-ap .ap-bar');
    expect(await page.locator('#evaluation-summary td').allTextContents()).to.deep.equal(expected.stats.map(shown));
    const names = new Map<number, string>(
      JSON.parse(await readFile(path.join(EVALUATION_DIR, 'instances_gt.json'), 'utf8')).categories.map((c: { id: number; name: string }) => [c.id, c.name]),
    );
    const bars = await page.$$eval('#evaluation-ap .ap-bar', (gs) => gs.map((g: any) => [g.dataset.category, g.querySelector('text.value').textContent]));
    // Best first; pycocotools' -1 (no ground truth) after every defined AP.
    const byAp = [...expected.perCategory].sort((a, b) => b.AP - a.AP);
    expect(bars.map(([, value]) => value)).to.deep.equal(byAp.map((c) => shown(c.AP)));
    expect(new Set(bars.map(([name]) => name))).to.deep.equal(new Set(byAp.map((c) => names.get(c.categoryId))));
    for (const c of expected.perCategory) expect(bars.find(([name]) => name === names.get(c.categoryId))![1]).to.equal(shown(c.AP));
  });

  it('compares two evaluations side by side with their differences', async () => {
    await page.goto(`${server.url}/#/datasets/${fixture.datasetId}/evaluations/detector-bbox`);
    await page.waitForSelector('#evaluation-compare:not([hidden])');
    await page.selectOption('#compare-with', 'better-bbox');
    await page.waitForSelector('#comparison-body table');
    const row = (caption: string, name: string) =>
      page.$eval(
        `#comparison-body`,
        (body: any, [c, n]) => {
          const table = [...body.querySelectorAll('table')].find((t: any) => t.caption.textContent === c);
          const tr = [...table.querySelectorAll('tbody tr')].find((r: any) => r.querySelector('th').textContent === n);
          return [...tr.querySelectorAll('td')].map((td: any) => td.textContent);
        },
        [caption, name],
      );
    expect(await row('Summary', 'AP')).to.deep.equal(['0.252', '0.752', '+0.500']);
    expect(await row('AP per category', 'dog')).to.deep.equal(['0.000', '1.000', '+1.000']);
    expect(await row('AP per category', 'cat')).to.deep.equal(['0.505', '0.505', '±0.000']);
    expect(await row('AP per category', 'bird')).to.deep.equal(['—', '—', '—']);
    expect(await page.getAttribute('#comparison-regressed', 'href')).to.equal(
      `#/datasets/${fixture.datasetId}?evaluation=better-bbox&regressed=detector-bbox%2Cbetter-bbox`,
    );
  });
});
