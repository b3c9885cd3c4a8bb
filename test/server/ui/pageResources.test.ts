import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../helpers/launchChromium.js';
import { startTestServer, type TestServer } from '../../helpers/startTestServer.js';

describe("the pages' own files (headless Chromium)", function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const pagePath of ['/', '/docs']) {
    it(`loads ${pagePath} with every file it asks for, its icon included, and no answer of 400 or more`, async () => {
      const page = await browser.newPage();
      const answers: { status: number; url: string; type: string | null }[] = [];
      const failed: string[] = [];
      page.on('response', (r) => answers.push({ status: r.status(), url: r.url(), type: r.headers()['content-type'] ?? null }));
      page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
      try {
        // The icon is asked for after the page has loaded: waiting for its answer is waiting for the last file.
        const icon = page.waitForResponse((r) => r.url() === `${server.url}/ui/favicon.svg`);
        await page.goto(`${server.url}${pagePath}`, { waitUntil: 'load' });
        expect(await page.locator('link[rel="icon"]').getAttribute('href')).to.equal('/ui/favicon.svg');
        expect((await icon).status()).to.equal(200);
        expect(
          answers.filter((a) => a.status >= 400),
          JSON.stringify(answers),
        ).to.deep.equal([]);
        expect(failed).to.deep.equal([]);
        expect(answers.find((a) => a.url.endsWith('/ui/favicon.svg'))!.type).to.equal('image/svg+xml');
      } finally {
        await page.close();
      }
    });
  }
});
