import { expect } from 'chai';
import { getJson } from './sse.js';

/** What a dataset holds, without the ids that differ from one ingest to the next. */
export async function datasetContents(url: string, datasetId: number): Promise<{ samples: any[]; annotations: any[]; thumbnails: Buffer[] }> {
  const { body } = await getJson(`${url}/samples?dataset_id=${datasetId}&limit=200`);
  const samples = [...body.items].sort((a: any, b: any) => a.coco_id - b.coco_id);
  const annotations: any[] = [];
  const thumbnails: Buffer[] = [];
  for (const sample of samples) {
    const { body: anns } = await getJson(`${url}/samples/${sample.id}/annotations?dataset_id=${datasetId}`);
    annotations.push(...anns.items.map(withoutIds));
    const thumb = await fetch(`${url}/images/${datasetId}/${sample.id}?size=medium`);
    expect(thumb.status, `thumbnail of ${sample.file_name}`).to.equal(200);
    thumbnails.push(Buffer.from(await thumb.arrayBuffer()));
  }
  return { samples: samples.map(withoutIds), annotations, thumbnails };
}

function withoutIds(row: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, dataset_id: _d, sample_id: _s, job_id: _j, ...rest } = row;
  return rest;
}
