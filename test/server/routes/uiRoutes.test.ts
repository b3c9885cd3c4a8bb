import { expect } from 'chai';
import { useTestServer } from '../../helpers/startTestServer.js';

describe("the browser view's files", () => {
  const server = useTestServer();

  it("serves the page and each module from its fixed list, with the page's Content-Security-Policy", async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).to.include('<script type="module" src="/ui/app.js"></script>');
    for (const name of ['app.js', 'api.js', 'dom.js', 'job.js', 'home.js', 'upload.js', 'dataset.js', 'stats.js', 'sample.js', 'colours.js', 'rle.js']) {
      const response = await fetch(`${server.url}/ui/${name}`);
      expect(response.status, name).to.equal(200);
      expect(response.headers.get('content-type'), name).to.equal('text/javascript; charset=utf-8');
      expect(response.headers.get('content-security-policy'), name).to.include("script-src 'self'");
      // The compiled RLE module comes without its source map comment: the map is not served.
      expect(await response.text(), name).to.not.match(/sourceMappingURL/);
    }
    expect((await fetch(`${server.url}/ui/app.css`)).headers.get('content-type')).to.equal('text/css; charset=utf-8');
  });

  it('answers /favicon.ico with the icon the pages link, an SVG', async () => {
    const icon = await fetch(`${server.url}/favicon.ico`);
    expect(icon.status).to.equal(200);
    expect(icon.headers.get('content-type')).to.equal('image/svg+xml');
    const body = await icon.text();
    expect(body).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(await (await fetch(`${server.url}/ui/favicon.svg`)).text()).to.equal(body);
  });

  it('answers 404 to any other name, a path climbing out included, without reading it', async () => {
    for (const name of ['missing.js', '..%2F..%2Fpackage.json', '..%2Fconfig.js', 'index.html']) {
      const response = await fetch(`${server.url}/ui/${name}`);
      expect(response.status, name).to.equal(404);
      expect(((await response.json()) as any).error.code, name).to.equal('NOT_FOUND');
    }
  });
});
