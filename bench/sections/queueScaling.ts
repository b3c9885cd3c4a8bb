import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { startRedis } from '../harness/redisServer.js';
import { startWorker } from '../harness/workerProcess.js';
import { log } from '../log.js';
import { measureServiceIngest, type ServiceIngestMeasurement } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { roundRatios } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';

/** Worker processes of the two steps. */
const PROCESSES = [1, 2] as const;

/**
 * Target 9: the thumbnail stage on BullMQ over Redis (Debian's redis-server),
 * with 1 and then 2 `npm run worker` processes of one thread each beside the
 * service on this machine: how the queue scales with processes when nothing
 * else (a second machine's network, a bucket) is in the way.
 */
export async function queueScaling(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.thumbImages);
  const ingest = (processes: number) => async (round: number) => {
    const redis = await startRedis();
    try {
      return await measureServiceIngest(context, {
        label: `queue-${processes}p-run${round}`,
        dataset,
        thumbnails: 'all',
        workers: 1,
        env: { REDIS_URL: redis.url },
        alongside: async ({ dataDir, ingestRoots }) => {
          const env = { REDIS_URL: redis.url, DATA_DIR: dataDir, INGEST_ROOTS: ingestRoots.join(','), WORKERS: '1' };
          const workers = await Promise.all(Array.from({ length: processes }, () => startWorker(env)));
          return {
            async stop() {
              for (const worker of workers) await worker.stop();
              const chunks = workers.map((w) => w.lines.filter((l) => l.msg === 'chunk done').length);
              log(`queue-${processes}p-run${round}: chunks per worker ${chunks.join(', ')}`);
            },
          };
        },
      });
    } finally {
      await redis.stop();
    }
  };
  const runs = await alternate(options.runs, Object.fromEntries(PROCESSES.map((p) => [`p${p}`, ingest(p)])));
  const rate = (r: ServiceIngestMeasurement) => (r.complete.thumbnails.generated / r.wallMs) * 1000;
  const perRound = roundRatios(runs.p2!.map(rate), runs.p1!.map(rate));
  return {
    title: `Thumbnails through the queue: 1 and 2 worker processes (${dataset.images.toLocaleString('en-US')} images)`,
    method:
      "Fresh Redis (Debian's `redis-server`, no persistence, `noeviction`) and fresh service per run, with `REDIS_URL` set " +
      "(the service's own pool only cuts masks: `WORKERS=1`); beside it, 1 or 2 `npm run worker` processes with `WORKERS=1`, " +
      'the default `THUMBNAIL_TASKS_PER_WORKER`, `QUEUE_CHUNK_IMAGES` and `QUEUE_WINDOW_CHUNKS`, sharing its `DATA_DIR`. ' +
      'Thumbnails/s = thumbnails generated ÷ client wall time (POST to `complete`). Everything runs on this one machine, ' +
      "so the service's parsing and writing share its cores with the workers.",
    figures: PROCESSES.flatMap((p) => [
      { label: `${p} worker process(es): thumbnails/s (client wall)`, unit: 'images/s' as const, values: runs[`p${p}`]!.map(rate) },
      { label: `${p} worker process(es): thumbnails generated`, unit: 'count' as const, values: runs[`p${p}`]!.map((r) => r.complete.thumbnails.generated) },
      { label: `${p} worker process(es): service peak RSS (VmHWM)`, unit: 'MB' as const, values: runs[`p${p}`]!.map((r) => r.peakRssBytes / 1e6) },
    ]),
    targets: [checkTarget(TARGETS.queueScaling, perRound.values, "each round's thumbnails/s with 2 worker processes ÷ the same round's with 1")],
    tables: [],
  };
}
