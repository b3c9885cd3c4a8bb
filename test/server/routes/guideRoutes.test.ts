import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { launchChromium } from '../../helpers/launchChromium.js';
import { REPO_ROOT, useTestServer } from '../../helpers/startTestServer.js';

/** The guide's pages as they are in the repository: every Markdown file of docs/. */
const DOCS_DIR = path.join(REPO_ROOT, 'docs');
const pagesOnDisk = readdirSync(DOCS_DIR)
  .filter((name) => name.endsWith('.md'))
  .sort();
describe("the guide's pages (GET /docs/guide/{page})", function () {
  this.timeout(60_000);
  const server = useTestServer();

  it('serves every page of docs/ as Markdown, as it is in the repository', async () => {
    expect(pagesOnDisk).to.include.members(['README.md', 'api.md', 'errors.md', 'development.md']);
    for (const name of pagesOnDisk) {
      const response = await fetch(`${server.url}/docs/guide/${name}`);
      expect(response.status, name).to.equal(200);
      expect(response.headers.get('content-type'), name).to.equal('text/markdown; charset=utf-8');
      expect(response.headers.get('content-security-policy'), name).to.include("default-src 'none'");
      expect(await response.text(), name).to.equal(readFileSync(path.join(DOCS_DIR, name), 'utf8'));
    }
  });

  it('answers 404 to any other name, a path climbing out included, without reading it', async () => {
    for (const name of ['missing.md', 'api', 'API.md', 'browser-view.png', '..%2FREADME.md', '..%2F..%2Fpackage.json', '%2Fetc%2Fpasswd']) {
      const response = await fetch(`${server.url}/docs/guide/${name}`);
      expect(response.status, name).to.equal(404);
      expect(((await response.json()) as any).error.code, name).to.equal('NOT_FOUND');
    }
  });

  it("is linked from the API reference's description, which /docs shows: every page, each to a page that is served", async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { info: { description: string } };
    const linked = [...document.info.description.matchAll(/\]\(\/docs\/guide\/([^)\s]+)\)/g)].map((m) => m[1]!);
    expect([...linked].sort()).to.deep.equal(pagesOnDisk);
  });

  it('shows a link to every page at the top of /docs, as Swagger UI renders it in headless Chromium', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/docs`);
      await page.waitForSelector('.info .description a');
      const hrefs = await page.$$eval('.info .description a', (links) => links.map((a) => a.getAttribute('href')));
      expect([...hrefs].sort()).to.deep.equal(pagesOnDisk.map((name) => `/docs/guide/${name}`));
      const api = await page.goto(`${server.url}${hrefs.find((href) => href === '/docs/guide/api.md')}`);
      expect(api?.status()).to.equal(200);
      expect(await page.textContent('body')).to.include('# HTTP API');
    } finally {
      await browser.close();
    }
  });
});
