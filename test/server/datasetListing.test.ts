import path from 'node:path';
import { expect } from 'chai';
import { cocoCounts } from '../helpers/cocoCounts.js';
import { ingest } from '../helpers/ingest.js';
import { getJson } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const INSTANCES = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
const VAL_IMAGES = path.join(SAMPLE_DIR, 'images/val');

describe('listing datasets: counts summed over their splits', function () {
  this.timeout(60_000);
  let server: TestServer;
  const file = cocoCounts(INSTANCES);

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('lists datasets newest first, each with its splits sorted by name and its counts summed over them', async () => {
    const first = await ingest(server, { annotation_path: INSTANCES, image_dir: VAL_IMAGES, thumbnails: 'none', dataset_name: 'three splits', split: 'b' });
    for (const split of ['Z', 'a']) {
      expect(
        (await ingest(server, { annotation_path: INSTANCES, image_dir: VAL_IMAGES, thumbnails: 'none', dataset_id: first.dataset_id, split })).event,
      ).to.equal('complete');
    }
    const second = await ingest(server, { annotation_path: INSTANCES, image_dir: VAL_IMAGES, thumbnails: 'none', dataset_name: 'one split' });
    const listed = await getJson(`${server.url}/datasets`);
    expect(listed.status).to.equal(200);
    expect(listed.body.items.map((d: any) => d.id)).to.deep.equal([second.dataset_id, first.dataset_id]);
    const [one, three] = listed.body.items;
    expect(three).to.include({
      name: 'three splits',
      status: 'ready',
      image_count: 3 * file.images,
      annotation_count: 3 * file.annotations,
      category_count: file.categories,
    });
    expect(three.split_names).to.deep.equal(['Z', 'a', 'b']);
    expect(one).to.include({ image_count: file.images, annotation_count: file.annotations, category_count: file.categories });
    expect(one.split_names).to.deep.equal(['val']);

    const shown = await getJson(`${server.url}/datasets/${first.dataset_id}`);
    expect(shown.body).to.include({ image_count: 3 * file.images, annotation_count: 3 * file.annotations, category_count: file.categories });
    expect(shown.body.split_names).to.deep.equal(['Z', 'a', 'b']);
    const perCategory = new Map<number, number>();
    for (const a of file.json.annotations) perCategory.set(a.category_id, (perCategory.get(a.category_id) ?? 0) + 1);
    expect(shown.body.categories.map((c: any) => [c.id, c.annotation_count])).to.deep.equal(
      file.json.categories.map((c: any) => [c.id, 3 * (perCategory.get(c.id) ?? 0)]).sort((x: number[], y: number[]) => x[0]! - y[0]!),
    );
  });

  it('answers 404 NOT_FOUND naming a dataset that does not exist, to reads, deletes and loads of predictions alike', async () => {
    const url = `${server.url}/datasets/987654`;
    const answers = [
      await getJson(url),
      await getJson(`${url}/evaluations`),
      await fetch(url, { method: 'DELETE' }).then(async (r) => ({ status: r.status, body: (await r.json()) as any })),
      await fetch(`${url}/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ annotation_path: INSTANCES, name: 'p' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any })),
    ];
    for (const answer of answers) {
      expect(answer.status).to.equal(404);
      expect(answer.body.error.code).to.equal('NOT_FOUND');
      expect(answer.body.error.message).to.include('987654');
    }
  });
});
