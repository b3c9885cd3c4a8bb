import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { BareHttpServer } from '../baselines/BareHttpServer.js';
import { formatValue } from '../formatValue.js';
import { ingestOverHttp } from '../ingestOverHttp.js';
import { loadTest } from '../loadTest.js';
import { log } from '../log.js';
import type { ReportTable, SectionResult } from '../reportModel.js';
import { percentile, roundRatios } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { withService } from '../withService.js';

/** The largest page `GET /samples` gives (README). */
const SAMPLES_PAGE = 200;

/** Sizes requested cold: both are made on first request (only `medium` is made at ingest). */
const COLD_SIZES = ['large', 'small'] as const;

/**
 * Target 6: `GET /images/{dataset}/{sample}?size=medium` for a thumbnail made at
 * ingest, under autocannon load, against a bare `node:http` server sending the
 * same bytes from memory, as the service's cache does, alternated, both loaded from this process. Then the
 * latency of thumbnails made on demand, requested one at a time.
 */
export async function imageServing(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.coldSamples);
  return withService(context, 'serving', options.cores, async (service) => {
    const ingest = await ingestOverHttp(service.url, {
      annotation_path: dataset.annotationPath,
      image_dir: dataset.imageDir,
      dataset_name: dataset.name,
      thumbnails: 'all',
    });
    const datasetId = ingest.complete.dataset_id;
    const sampleIds = await listSampleIds(service.url, datasetId, options.coldSamples);
    const route = `/images/${datasetId}/${sampleIds[0]}?size=medium`;
    const thumbnail = await fetchBytes(`${service.url}${route}`);
    const file = path.join(context.outputsDir, 'serving', 'thumbnail.webp');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, thumbnail);

    const bare = await BareHttpServer.start({ repoRoot: context.repoRoot, file, logFile: path.join(context.logDir, 'bare-http-server.log') });
    try {
      const load = (base: string, name: string) => async (round: number) => {
        const result = await loadTest({ url: `${base}${route}`, connections: options.connections, seconds: options.loadSeconds });
        log(`${name} run ${round}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms} ms`);
        return result;
      };
      for (const base of [bare.url, service.url]) {
        await loadTest({ url: `${base}${route}`, connections: options.connections, seconds: options.warmupSeconds });
      }
      const runs = await alternate(options.runs, { bare: load(bare.url, 'bare node:http'), service: load(service.url, 'service') });
      const cold = await coldTable(service.url, datasetId, sampleIds);
      return {
        title: 'Serving thumbnails',
        method:
          `autocannon, ${options.connections} connections, ${options.loadSeconds} s per run after a ${options.warmupSeconds} s warm-up of each ` +
          `server, alternating a bare \`node:http\` server (child process; the file read into memory once at start, every response ` +
          `\`res.end(buffer)\` with content-type and content-length, as the service answers from its memory cache) and the service's \`GET ${route.replace(/\/\d+\/\d+/, '/{dataset_id}/{sample_id}')}\` for a ` +
          `thumbnail made at ingest (${formatValue(thumbnail.length, 'bytes')} bytes; the bare server sends the same bytes for the same URL). ` +
          `Cold: ${sampleIds.length} samples whose ${COLD_SIZES.join(' and ')} thumbnails did not exist yet, requested one at a time.`,
        figures: [
          { label: 'bare node:http req/s', unit: 'req/s', values: runs.bare.map((r) => r.requestsPerSecond) },
          { label: 'bare node:http p50 latency', unit: 'ms', values: runs.bare.map((r) => r.p50Ms) },
          { label: 'bare node:http p99 latency', unit: 'ms', values: runs.bare.map((r) => r.p99Ms) },
          { label: 'service req/s', unit: 'req/s', values: runs.service.map((r) => r.requestsPerSecond) },
          { label: 'service p50 latency', unit: 'ms', values: runs.service.map((r) => r.p50Ms) },
          { label: 'service p99 latency', unit: 'ms', values: runs.service.map((r) => r.p99Ms) },
        ],
        targets: [
          checkTarget(
            TARGETS.imageServing,
            roundRatios(
              runs.service.map((r) => r.requestsPerSecond),
              runs.bare.map((r) => r.requestsPerSecond),
            ).values,
            "each round's service req/s ÷ the same round's bare node:http req/s",
          ),
        ],
        tables: [cold],
      };
    } finally {
      await bare.stop();
    }
  });
}

async function listSampleIds(baseUrl: string, datasetId: number, count: number): Promise<number[]> {
  const ids: number[] = [];
  while (ids.length < count) {
    const response = await fetch(`${baseUrl}/samples?dataset_id=${datasetId}&offset=${ids.length}&limit=${Math.min(SAMPLES_PAGE, count - ids.length)}`);
    const body = (await response.json()) as { items?: { id: number }[] };
    if (response.status !== 200 || !Array.isArray(body.items)) throw new Error(`GET /samples answered ${response.status}: ${JSON.stringify(body)}`);
    if (body.items.length === 0) throw new Error(`dataset ${datasetId} has ${ids.length} samples, fewer than ${count}`);
    ids.push(...body.items.map((item) => item.id));
  }
  return ids;
}

async function fetchBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${bytes.toString('utf8', 0, 500)}`);
  return bytes;
}

async function coldTable(baseUrl: string, datasetId: number, sampleIds: number[]): Promise<ReportTable> {
  const rows: string[][] = [];
  for (const size of COLD_SIZES) {
    const latencies: number[] = [];
    for (const id of sampleIds) {
      const started = performance.now();
      await fetchBytes(`${baseUrl}/images/${datasetId}/${id}?size=${size}`);
      latencies.push(performance.now() - started);
    }
    log(`cold ${size}: p50 ${percentile(latencies, 50).toFixed(1)} ms`);
    rows.push([size, String(latencies.length), ...[50, 99].map((p) => formatValue(percentile(latencies, p), 'ms')), formatValue(Math.max(...latencies), 'ms')]);
  }
  return { title: 'Thumbnails made on demand (cold), one request at a time', header: ['Size', 'Requests', 'p50 ms', 'p99 ms', 'Max ms'], rows };
}
