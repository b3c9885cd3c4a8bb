import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { ingest } from '../helpers/ingest.js';
import { SAMPLE_DIR, startTestServer, useTestServer } from '../helpers/startTestServer.js';

/** The value of one sample of a Prometheus text exposition, by its name and labels as written. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('GET /metrics', function () {
  this.timeout(60_000);
  const server = useTestServer();

  it("counts what an ingest did, from the events the pipeline publishes, in Prometheus' text format", async () => {
    const done = await ingest(server, {
      annotation_path: path.join(SAMPLE_DIR, 'annotations/instances_val.json'),
      image_dir: path.join(SAMPLE_DIR, 'images/val'),
    });
    expect(done.event).to.equal('complete');
    // A second server in the same process must not count this one's events.
    const other = await startTestServer();
    try {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(sample(text, 'coco_ingest_images_ingested_total')).to.equal(done.image_count);
      expect(sample(text, 'coco_ingest_annotations_ingested_total')).to.equal(done.annotation_count);
      expect(sample(text, 'coco_ingest_jobs_total{status="complete",kind="ingest"}')).to.equal(1);
      expect(sample(text, 'coco_ingest_thumbnails_total{result="made"}')).to.equal(done.image_count);
      expect(sample(text, 'coco_ingest_thumbnail_seconds_count')).to.equal(done.image_count);
      expect(sample(text, 'coco_ingest_jobs_running')).to.equal(0);
      expect(sample(text, 'coco_ingest_pool_queue_depth')).to.equal(0);
      expect(sample(text, 'coco_ingest_sse_clients')).to.equal(0);
      expect(sample(text, 'coco_ingest_http_request_duration_seconds_count{method="POST",route="/datasets/ingest",status="202"}')).to.equal(1);
      expect(sample(text, 'coco_ingest_http_request_duration_seconds_count{method="GET",route="/jobs/:id/events",status="200"}')).to.equal(1);
      expect(text).to.match(/^process_cpu_user_seconds_total \d/m);
      const otherText = await (await fetch(`${other.url}/metrics`)).text();
      expect(sample(otherText, 'coco_ingest_images_ingested_total')).to.equal(0);
    } finally {
      await other.stop();
    }
  });

  it('counts a failed job by its status, and requests by route pattern, never by path', async () => {
    const bad = path.join(server.scratch, 'bad.json');
    await writeFile(bad, JSON.stringify({ images: [{ id: 'one', file_name: 'a.jpg' }], annotations: [], categories: [] }));
    const done = await ingest(server, { annotation_path: bad, thumbnails: 'none' });
    expect(done.event).to.equal('failed');
    await fetch(`${server.url}/datasets/1`);
    await fetch(`${server.url}/datasets/2`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(text, 'coco_ingest_jobs_total{status="failed",kind="ingest"}')).to.equal(1);
    expect(sample(text, 'coco_ingest_http_request_duration_seconds_count{method="GET",route="/datasets/:id",status="200"}')).to.be.greaterThanOrEqual(1);
    expect(text).not.to.include('route="/datasets/1"');
  });
});
