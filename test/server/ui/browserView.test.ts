import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { cocoCounts } from '../../helpers/cocoCounts.js';
import { LoopbackFileServer } from '../../helpers/LoopbackFileServer.js';
import { launchChromium } from '../../helpers/launchChromium.js';
import { makeDataset } from '../../helpers/makeDataset.js';
import { followJob, getJson, postIngest, terminalOf } from '../../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../../helpers/startTestServer.js';
import { type ZipEntry, zipOf } from '../../helpers/zipOf.js';

describe('the browser view (headless Chromium)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const counts = cocoCounts(path.join(SAMPLE_DIR, 'annotations/instances_val.json'));

  before(async () => {
    server = await startTestServer();
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

  it("ingests from the form and shows each stage's progress live until complete", async () => {
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

  it("shows the dataset's thumbnails, and filters them by category", async () => {
    await page.click('#datasets tbody tr');
    // These predicates run in the page; this project compiles without DOM types, hence `any`.
    await page.waitForFunction((n) => {
      const images = [...(globalThis as any).document.querySelectorAll('#grid img')];
      return images.length === n && images.every((img: any) => img.complete && img.naturalWidth > 0);
    }, counts.images);
    const [name, expected] = [...counts.imagesByCategory].find(([, n]) => n < counts.images)!;
    await page.selectOption('#filter-category', name);
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('#grid a').length === n, expected);
    expect(await page.textContent('#page-info')).to.equal(`${expected} of ${expected}`);
  });

  it("draws each thumbnail's boxes over it in the grid", async () => {
    await page.selectOption('#filter-category', '');
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('#grid a').length === n, counts.images);
    const boxed = counts.json.annotations.filter((a: { bbox?: unknown }) => Array.isArray(a.bbox)).length;
    expect(await page.locator('#grid svg rect').count()).to.equal(boxed);
  });

  it("charts the dataset's statistics: a bar per category, per annotation count and per area class", async () => {
    await page.click('#stats summary');
    await page.waitForSelector('#stats-body .chart');
    const categories = new Set(counts.json.annotations.map((a: { category_id: number }) => a.category_id)).size;
    expect(await page.locator('#stats-body .chart').nth(0).locator('.bar').count()).to.equal(categories);
    expect(await page.locator('#stats-body .chart').nth(3).locator('.bar').count()).to.equal(3);
    await page.click('#stats summary');
  });

  it("draws a sample's boxes over its image", async () => {
    await page.click('#grid a');
    await page.waitForSelector('#figure svg');
    const fileName = (await page.textContent('#sample-title'))!.split(' · ')[0];
    const image = counts.json.images.find((i: { file_name: string }) => i.file_name === fileName);
    const boxes = counts.json.annotations.filter((a: { image_id: number }) => a.image_id === image.id).length;
    expect(await page.locator('#figure rect').count()).to.equal(boxes);
    expect(await page.locator('#annotations li').count()).to.equal(boxes);
    expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
  });

  let scrolling: number;

  it('scrolls a large grid without pages, fetching each next page by cursor as the end comes into view', async () => {
    const big = await makeDataset(path.join(server.scratch, 'scrolling'), 120);
    const job = await postIngest(server.url, { annotation_path: big.annotationPath, image_dir: big.imageDir, thumbnails: 'none', dataset_name: 'scrolling' });
    expect(terminalOf(await followJob(server.url, job.job_id))!.event).to.equal('complete');
    scrolling = job.dataset_id;
    const cursors: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/samples' && url.searchParams.has('cursor')) cursors.push(url.searchParams.get('cursor')!);
    });
    await page.goto(`${server.url}/#/datasets/${job.dataset_id}`);
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#grid a').length >= 48);
    for (let loaded = 0; loaded < 120; ) {
      await page.locator('#grid-end').scrollIntoViewIfNeeded();
      await page.waitForFunction(
        (n) =>
          (globalThis as any).document.querySelectorAll('#grid a').length > n ||
          (globalThis as any).document.querySelector('#grid-end').textContent === 'end of the dataset',
        loaded,
      );
      loaded = await page.locator('#grid a').count();
      if ((await page.textContent('#grid-end')) === 'end of the dataset') break;
    }
    expect(await page.locator('#grid a').count()).to.equal(120);
    expect(await page.textContent('#page-info')).to.equal('120 of 120');
    expect(new Set(cursors).size).to.be.greaterThanOrEqual(2);
    expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
  });

  it("keeps answering when a new grid's end comes into view while its first page is still on its way", async () => {
    await page.goto(`${server.url}/#/datasets/${scrolling}`);
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#grid a').length >= 48);
    // The next grid's first page is held until the page has shown it can still draw.
    let arrived!: () => void;
    const holding = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(
      (url) => url.pathname === '/samples',
      async (route) => {
        arrived();
        await held;
        await route.continue();
      },
      { times: 1 },
    );
    const category = await page.$eval('#filter-category option:nth-child(2)', (o: any) => o.value);
    await page.selectOption('#filter-category', category);
    await holding;
    // The emptied grid brings its end into view, and the observer asks the new grid for more while its first page
    // is held: the page must keep drawing frames (it froze, spinning on the page in flight).
    await page.waitForFunction(
      () => {
        const w = globalThis as any;
        w.framesSeen = (w.framesSeen ?? 0) + 1;
        return w.framesSeen > 5;
      },
      undefined,
      { polling: 'raf', timeout: 10_000 },
    );
    release();
    await page.waitForFunction(() => /^\d+ of \d+$/.test((globalThis as any).document.querySelector('#page-info').textContent));
    const [shown, total] = (await page.textContent('#page-info'))!.split(' of ').map(Number);
    expect(shown).to.be.greaterThan(0);
    expect(shown).to.be.at.most(total!);
    expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
  });

  it('uploads a zip dropped on the drop zone, showing the bytes sent, the unpacking and each split until complete', async () => {
    const entries: ZipEntry[] = [
      ['my-export/annotations/instances_val.json', path.join(SAMPLE_DIR, 'annotations/instances_val.json')],
      ...readdirSync(path.join(SAMPLE_DIR, 'images/val')).map((name): ZipEntry => [`my-export/val/${name}`, path.join(SAMPLE_DIR, 'images/val', name)]),
    ];
    const archive = await zipOf(entries);
    await page.goto(`${server.url}/`);
    await page.fill('#upload-form input[name=dataset_name]', 'dropped');
    // A drop as the browser makes it: a DataTransfer holding the file.
    const dataTransfer = await page.evaluateHandle((base64) => {
      const bytes = Uint8Array.from((globalThis as any).atob(base64), (c: string) => c.charCodeAt(0));
      const transfer = new (globalThis as any).DataTransfer();
      transfer.items.add(new (globalThis as any).File([bytes], 'my-export.zip', { type: 'application/zip' }));
      return transfer;
    }, archive.toString('base64'));
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
    await page.waitForSelector('#job-message.status-ready');
    expect(await page.textContent('#job-message')).to.match(
      /^complete: ingested 12 images, 46 annotations and 10 categories from a coco archive \(splits val\)/,
    );
    expect(await page.textContent('[data-stage=upload] .count')).to.match(/^(\d+) \/ \1$/);
    expect(await page.textContent('[data-stage=unpack] .count')).to.equal(`${entries.length} / ${entries.length}`);
    expect(await page.textContent('[data-stage=thumbnails] .name')).to.equal('val · thumbnails');
    expect(await page.textContent('[data-stage=thumbnails] .count')).to.equal('12 / 12');
    await page.waitForFunction(() =>
      [...(globalThis as any).document.querySelectorAll('#datasets tbody td:first-child')].some((td: any) => td.textContent === 'dropped'),
    );
    expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
  });

  it('says why an upload was refused, from the file picker too', async () => {
    await page.goto(`${server.url}/`);
    await page.setInputFiles('#upload-file', { name: 'notes.zip', mimeType: 'application/zip', buffer: await zipOf([['notes.txt', Buffer.from('hello')]]) });
    await page.waitForSelector('#job-message.error');
    expect(await page.textContent('#job-message')).to.match(/^failed: uploaded archive: not a layout this service knows .*notes\.txt/);
  });

  it('refuses a zip larger than the service takes before sending it, saying the bound', async () => {
    const small = await startTestServer({ MAX_UPLOAD_BYTES: '2048' });
    try {
      const sent: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/datasets/upload') || request.url().includes('/datasets/upload?')) sent.push(request.url());
      });
      await page.goto(`${small.url}/`);
      await page.waitForFunction(() => /thumbnail workers/.test((globalThis as any).document.querySelector('#health').textContent));
      await page.setInputFiles('#upload-file', { name: 'big.zip', mimeType: 'application/zip', buffer: Buffer.alloc(4096) });
      await page.waitForFunction(() => (globalThis as any).document.querySelector('#upload-error').textContent !== '');
      expect(await page.textContent('#upload-error')).to.equal('big.zip is 4.0 KB; this service takes at most 2.0 KB (MAX_UPLOAD_BYTES)');
      expect(sent).to.deep.equal([]);
    } finally {
      // The page polls its service: it leaves before the service stops, so no request of it fails.
      await page.goto('about:blank');
      await small.stop();
    }
  });

  it('exports what the grid shows as COCO JSON, and deletes the dataset after asking', async () => {
    const job = await postIngest(server.url, {
      annotation_path: 'fixtures/coco-sample/annotations/instances_val.json',
      image_dir: 'fixtures/coco-sample/images/val',
      thumbnails: 'none',
      dataset_name: 'to export and delete',
    });
    expect(terminalOf(await followJob(server.url, job.job_id))!.event).to.equal('complete');
    const [name, expected] = [...counts.imagesByCategory].find(([, n]) => n < counts.images)!;
    await page.goto(`${server.url}/#/datasets/${job.dataset_id}?category=${encodeURIComponent(name)}`);
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('#grid a').length === n, expected);
    const href = await page.getAttribute('#dataset-export', 'href');
    expect(href).to.equal(`/datasets/${job.dataset_id}/export?category=${encodeURIComponent(name).replaceAll('%20', '+')}`);
    const exported = (await (await fetch(`${server.url}${href}`)).json()) as any;
    expect(exported.images).to.have.lengthOf(expected);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#dataset-delete');
    await page.waitForFunction(() => (globalThis as any).location.hash === '#/');
    expect((await getJson(`${server.url}/datasets/${job.dataset_id}`)).status).to.equal(404);
    await page.waitForFunction(
      () => ![...(globalThis as any).document.querySelectorAll('#datasets tbody td:first-child')].some((td: any) => td.textContent === 'to export and delete'),
    );
    expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
  });

  it('asks once for the API token of a service that needs one, then ingests, uploads and deletes with it', async () => {
    const token = 'browser-view-token-0123456789';
    const guarded = await startTestServer({ API_TOKEN: token });
    const prompts: string[] = [];
    const answer = (dialog: import('playwright-core').Dialog) => {
      prompts.push(dialog.type());
      void (dialog.type() === 'prompt' ? dialog.accept(token) : dialog.accept());
    };
    page.on('dialog', answer);
    try {
      await page.goto(`${guarded.url}/`);
      await page.waitForFunction(() => /thumbnail workers/.test((globalThis as any).document.querySelector('#health').textContent));
      // The upload asks before sending, from /healthz's token_required.
      const entries: ZipEntry[] = [['annotations/instances_val.json', path.join(SAMPLE_DIR, 'annotations/instances_val.json')]];
      for (const name of readdirSync(path.join(SAMPLE_DIR, 'images/val'))) entries.push([`val/${name}`, path.join(SAMPLE_DIR, 'images/val', name)]);
      await page.setInputFiles('#upload-file', { name: 'guarded.zip', mimeType: 'application/zip', buffer: await zipOf(entries) });
      await page.waitForSelector('#job-message.status-ready');
      // The ingest form sends the token kept for this tab, without asking again.
      await page.fill('input[name=annotation_path]', 'fixtures/coco-sample/annotations/instances_val.json');
      await page.fill('input[name=image_dir]', 'fixtures/coco-sample/images/val');
      await page.fill('#ingest-form input[name=dataset_name]', 'guarded ingest');
      await page.click('#ingest-form button[type=submit]');
      // The ingest's own sentence, not the upload's ("from a coco archive").
      await page.waitForFunction(() =>
        /^complete: ingested 12 images, 46 annotations and 10 categories in /.test((globalThis as any).document.querySelector('#job-message').textContent),
      );
      const { body } = await getJson(`${guarded.url}/datasets`);
      expect(body.items.map((d: any) => [d.name, d.status])).to.have.deep.members([
        ['guarded', 'ready'],
        ['guarded ingest', 'ready'],
      ]);
      // And the delete button, after its confirmation.
      const uploaded = body.items.find((d: any) => d.name === 'guarded');
      await page.goto(`${guarded.url}/#/datasets/${uploaded.id}`);
      await page.waitForSelector('#grid a');
      await page.click('#dataset-delete');
      await page.waitForFunction(() => (globalThis as any).location.hash === '#/');
      expect((await getJson(`${guarded.url}/datasets/${uploaded.id}`)).status).to.equal(404);
      expect(prompts).to.deep.equal(['prompt', 'confirm']);
    } finally {
      page.off('dialog', answer);
      await page.goto('about:blank');
      await guarded.stop();
    }
    expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
  });

  describe('a job held mid-way (its last image held by a web server the test controls)', () => {
    const images = 30;
    const last = `${String(images).padStart(12, '0')}.jpg`;
    let dir: string;
    let web: LoopbackFileServer;
    let held: TestServer;
    let release!: () => void;
    // These run in the page; this project compiles without DOM types, hence `any`.
    const widthOf = (selector: string) => page.evaluate((s) => (globalThis as any).document.querySelector(s).getBoundingClientRect().width as number, selector);

    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'coco-ingest-held-'));
      await makeDataset(dir, images);
      web = await LoopbackFileServer.start(dir);
      const gate = new Promise<void>((resolve) => (release = resolve));
      web.fault((request) => (request.path === `/images/${last}` ? { until: gate } : null));
      held = await startTestServer({}, [dir, `${web.url}/images`]);
    });
    after(async () => {
      release?.();
      await page.goto('about:blank');
      await held?.stop();
      await web?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('fills the bars to their real fraction with a percentage before the end, titles the card and the tab, and announces the end', async () => {
      await page.goto(`${held.url}/`);
      await page.fill('input[name=annotation_path]', path.join(dir, 'instances_big.json'));
      await page.fill('input[name=image_dir]', `${web.url}/images`);
      await page.fill('#ingest-form input[name=dataset_name]', 'held');
      await page.fill('#ingest-form input[name=split]', 'train');
      await page.click('#ingest-form button[type=submit]');
      // Every thumbnail but the held one made: the stage knows its total, and is not done.
      await page.waitForFunction(
        (text) => (globalThis as any).document.querySelector('[data-stage=thumbnails] .count')?.textContent === text,
        `${images - 1} / ${images}`,
      );
      // The fills grow through a 0.2 s CSS transition from where they were drawn: wait for them to show.
      const shown = (selector: string) =>
        page.waitForFunction((s) => (globalThis as any).document.querySelector(s).getBoundingClientRect().width > 0, selector);
      await shown('[data-stage=thumbnails] .fill');
      await shown('#job-overall .fill');
      const meter = await widthOf('[data-stage=thumbnails] .meter');
      const midway = await widthOf('[data-stage=thumbnails] .fill');
      expect(midway).to.be.greaterThan(0).and.below(meter);
      expect(await page.textContent('[data-stage=thumbnails] .figures')).to.match(/^(\d+)%/);
      const jobMidway = await widthOf('#job-overall .fill');
      expect(jobMidway)
        .to.be.greaterThan(0)
        .and.below(await widthOf('#job-overall .meter'));
      expect(await page.textContent('#job-overall .figures')).to.match(/^\d+% · /);
      await page.waitForFunction(() => (globalThis as any).document.querySelector('#job-title').textContent === 'held · train');
      await page.waitForFunction(() => /^\d+% · held · train · coco-ingest$/.test((globalThis as any).document.title));
      // The header's count and the dataset list follow the job, from the page's poll.
      await page.waitForFunction(() => (globalThis as any).document.querySelector('#running-jobs').textContent === '1 running job(s)');
      await page.waitForFunction(() =>
        /^ingesting · \d+%$/.test((globalThis as any).document.querySelector('#datasets tbody tr td:nth-child(2)')?.textContent ?? ''),
      );
      expect(await page.textContent('#job-announce')).to.equal('');

      release();
      await page.waitForSelector('#job-message.status-ready');
      // The fill slides to its width (a CSS transition): wait for it to arrive, full.
      await page.waitForFunction(
        (m) => (globalThis as any).document.querySelector('[data-stage=thumbnails] .fill').getBoundingClientRect().width >= m - 0.5,
        meter,
      );
      expect(await widthOf('[data-stage=thumbnails] .fill'))
        .to.be.greaterThan(midway)
        .and.closeTo(meter, 0.5);
      expect(await widthOf('#job-overall .fill')).to.be.greaterThan(jobMidway);
      expect(await page.textContent('#job-overall .figures')).to.match(/^100% · /);
      expect(await page.textContent('#job-announce')).to.match(/^held · train: complete\. ingested 30 images/);
      expect(await page.title()).to.equal('complete · held · train · coco-ingest');
      const { body } = await getJson(`${held.url}/datasets`);
      expect(await page.getAttribute('#job-title a', 'href')).to.equal(`#/datasets/${body.items[0].id}`);
      // Once the job has ended, the list shows the dataset ready with its counts, and the header no job running.
      await page.waitForFunction((n) => {
        const cells = [...(globalThis as any).document.querySelectorAll('#datasets tbody tr td')].map((td: any) => td.textContent);
        return cells[1] === 'ready' && cells[2] === String(n);
      }, images);
      await page.waitForFunction(() => (globalThis as any).document.querySelector('#running-jobs').textContent === '0 running job(s)');
      expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
    });
  });

  it('lists recent jobs on the Jobs page with their state and duration, and follows a running one from there', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'coco-ingest-jobs-'));
    const images = 20;
    await makeDataset(dir, images);
    const web = await LoopbackFileServer.start(dir);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    web.fault((request) => (request.path === `/images/${String(images).padStart(12, '0')}.jpg` ? { until: gate } : null));
    const held = await startTestServer({}, [dir, `${web.url}/images`]);
    try {
      const done = await postIngest(held.url, {
        annotation_path: 'fixtures/coco-sample/annotations/instances_val.json',
        image_dir: 'fixtures/coco-sample/images/val',
        thumbnails: 'none',
        dataset_name: 'finished',
      });
      expect(terminalOf(await followJob(held.url, done.job_id))!.event).to.equal('complete');
      const running = await postIngest(held.url, {
        annotation_path: path.join(dir, 'instances_big.json'),
        image_dir: `${web.url}/images`,
        dataset_name: 'running',
        split: 'train',
      });
      await page.goto(`${held.url}/#/jobs`);
      await page.waitForFunction(
        (id) => /^\d+%$/.test((globalThis as any).document.querySelector(`#jobs-table tr[data-job="${id}"] td.progress`)?.textContent ?? ''),
        running.job_id,
      );
      expect(await page.textContent(`#jobs-table tr[data-job="${done.job_id}"] td:nth-child(3)`)).to.equal('complete');
      expect(await page.textContent(`#jobs-table tr[data-job="${done.job_id}"] td.duration`)).to.match(/^\d+ s$/);
      expect(await page.textContent(`#jobs-table tr[data-job="${running.job_id}"] td:nth-child(3)`)).to.equal('running');
      expect(await page.locator(`#jobs-table tr[data-job="${done.job_id}"] a.follow`).count()).to.equal(0);
      await page.click(`#jobs-table tr[data-job="${running.job_id}"] a.follow`);
      await page.waitForFunction(
        (text) => (globalThis as any).document.querySelector('[data-stage=thumbnails] .count')?.textContent === text,
        `${images - 1} / ${images}`,
      );
      await page.waitForFunction(() => (globalThis as any).document.querySelector('#job-title').textContent === 'running · train');
      release();
      await page.waitForSelector('#job-message.status-ready');
    } finally {
      release();
      await page.goto('about:blank');
      await held.stop();
      await web.stop();
      await rm(dir, { recursive: true, force: true });
    }
    expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
  });

  describe('what each format shows', () => {
    /** Ingests a file through the API and returns the job's terminal data. */
    async function ingest(body: Record<string, unknown>): Promise<Record<string, any>> {
      const job = await postIngest(server.url, body);
      return terminalOf(await followJob(server.url, job.job_id))!.data;
    }
    const fixture = (name: string) => JSON.parse(readFileSync(path.join(SAMPLE_DIR, 'annotations', name), 'utf8'));
    const sampleOf = async (datasetId: number, cocoId: number) =>
      (await getJson(`${server.url}/samples?dataset_id=${datasetId}&limit=50`)).body.items.find((s: any) => s.coco_id === cocoId);

    it('draws keypoints and their skeleton, visible points filled and occluded ones hollow', async () => {
      const done = await ingest({
        annotation_path: 'fixtures/coco-sample/annotations/person_keypoints_val.json',
        image_dir: 'fixtures/coco-sample/images/val',
      });
      const json = fixture('person_keypoints_val.json');
      const people = json.annotations.filter((a: any) => a.image_id === 139);
      const sample = await sampleOf(done.dataset_id, 139);
      await page.goto(`${server.url}/#/datasets/${done.dataset_id}/samples/${sample.id}`);
      await page.waitForSelector('#figure svg circle');
      const count = (v: number) =>
        people.reduce((n: number, a: any) => n + a.keypoints.filter((_: number, k: number) => k % 3 === 2 && a.keypoints[k] === v).length, 0);
      expect(await page.locator('#figure circle.kp-visible').count()).to.equal(count(2));
      expect(await page.locator('#figure circle.kp-occluded').count()).to.equal(count(1));
      expect(await page.locator('#figure circle.kp-occluded').first().getAttribute('fill')).to.equal(null);
      const skeleton = json.categories[0].skeleton as [number, number][];
      const edges = people.reduce(
        (n: number, a: any) => n + skeleton.filter(([f, t]) => a.keypoints[3 * (f - 1) + 2] > 0 && a.keypoints[3 * (t - 1) + 2] > 0).length,
        0,
      );
      expect(await page.locator('#figure line.skeleton').count()).to.equal(edges);
      expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
    });

    it('draws panoptic segments as masks in their category colours', async () => {
      const done = await ingest({ annotation_path: 'fixtures/coco-sample/annotations/panoptic_val.json', image_dir: 'fixtures/coco-sample/images/val' });
      const json = fixture('panoptic_val.json');
      const record = json.annotations.find((r: any) => r.segments_info.some((s: any) => s.category_id === 1));
      const sample = await sampleOf(done.dataset_id, record.image_id);
      await page.goto(`${server.url}/#/datasets/${done.dataset_id}/samples/${sample.id}`);
      await page.waitForSelector('#figure path.mask');
      expect(await page.locator('#figure path.mask').count()).to.equal(record.segments_info.length);
      const person = record.segments_info.find((s: any) => s.category_id === 1);
      expect(await page.locator(`#figure path.mask[data-id="${person.id}"]`).getAttribute('fill')).to.equal('rgb(220,20,60)');
      const sky = record.segments_info.find((s: any) => s.category_id === 184);
      expect(await page.locator(`#figure path.mask[data-id="${sky.id}"]`).getAttribute('fill')).to.equal('rgb(106,154,176)');
      // Boxes for things only: stuff covers the background.
      expect(await page.locator('#figure .truth rect').count()).to.equal(record.segments_info.filter((s: any) => s.category_id < 184).length);
      expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
    });

    it('draws a prediction set over the ground truth, above the score the slider sets', async () => {
      const done = await ingest({
        annotation_path: 'fixtures/coco-sample/annotations/instances_val.json',
        image_dir: 'fixtures/coco-sample/images/val',
        thumbnails: 'none',
      });
      const response = await fetch(`${server.url}/datasets/${done.dataset_id}/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ annotation_path: 'fixtures/coco-sample/annotations/results_val.json', name: 'detector' }),
      });
      await followJob(server.url, ((await response.json()) as any).job_id);
      const results = fixture('results_val.json').filter((r: any) => r.image_id === 139);
      const sample = await sampleOf(done.dataset_id, 139);
      await page.goto(`${server.url}/#/datasets/${done.dataset_id}/samples/${sample.id}`);
      await page.waitForSelector('#prediction-controls:not([hidden])');
      await page.selectOption('#prediction-set', 'detector');
      await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('#figure .prediction rect').length === n, results.length);
      const truth = await page.locator('#figure .truth rect').count();
      expect(truth).to.equal(fixture('instances_val.json').annotations.filter((a: any) => a.image_id === 139).length);
      await page.locator('#min-score').fill('0.5');
      const above = results.filter((r: any) => r.score >= 0.5).length;
      await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('#figure .prediction rect').length === n, above);
      expect(await page.locator('#figure .truth rect').count()).to.equal(truth);
      expect(page.url()).to.match(/\?predictions=detector&min_score=0\.5$/);
      expect(errors, errors.slice(0, 3).join('\n')).to.deep.equal([]);
    });
  });
});
