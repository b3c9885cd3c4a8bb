#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { checkCommand } from './checkCommand.js';
import { evaluateCommand } from './evaluateCommand.js';
import { followJobCommand } from './followJobCommand.js';
import { ingestCommand } from './ingestCommand.js';
import { ServiceClient } from './ServiceClient.js';
import { uploadCommand } from './uploadCommand.js';

/** Commander's parsed options of a command, checked by the command itself. */
// biome-ignore lint/suspicious/noExplicitAny: commander types options loosely; each command validates what it takes.
type CommandOptions = Record<string, any>;

// `coco-ingest`: the service, its queue worker, and a client of a running service.
const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
const program = new Command('coco-ingest')
  .description('Stream COCO datasets into DuckDB with WebP thumbnails.')
  .version(version)
  // A usage error is one line, as every other error is; --help shows the rest.
  .configureOutput({ outputError: (text, write) => write(`coco-ingest: ${oneLine(text.replace(/^error: /, ''))} (see --help)\n`) });
const httpUrl = (value: string) => {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new InvalidArgumentError('must be an http(s):// URL');
  return value;
};
const serverOption = ['--server <url>', 'the running service', httpUrl, process.env.COCO_INGEST_SERVER ?? 'http://127.0.0.1:3000'] as const;
const client = (server: string) => new ServiceClient({ server, token: process.env.API_TOKEN });
const positiveInt = (value: string) => {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
};

/** `0.025,0.025,0.026`: positive numbers, comma-separated (the service checks their count against the categories). */
const sigmaList = (value: string) => {
  const sigmas = value.split(',').map((part) => Number(part.trim()));
  if (sigmas.some((s) => !Number.isFinite(s) || s <= 0)) throw new InvalidArgumentError('must be positive numbers separated by commas');
  return sigmas;
};

program
  .command('serve')
  .description('run the service (what npm start runs); configured by its environment variables')
  .action(async () => {
    await import('../app/serverMain.js');
  });

program
  .command('worker')
  .description("run a thumbnail queue worker (REDIS_URL and the service's settings)")
  .action(async () => {
    await import('../app/workerMain.js');
  });

program
  .command('ingest')
  .description('ingest a COCO file through a running service, with live progress, then its summary')
  .argument('<annotation_path>', "the annotation file: a path, gs:// or http(s):// URL inside the service's INGEST_ROOTS")
  .argument('[image_dir]', 'the image folder')
  .option(...serverOption)
  .option('--name <name>', "the dataset's name")
  .option('--split <split>', 'the split (default: from the file name)')
  .option('--dataset-id <id>', 'add the split to this dataset', positiveInt)
  .option('--thumbnails <mode>', 'all, none, or a number of images')
  .option('--mask-dir <dir>', "a panoptic file's PNG folder")
  .option('--on-invalid <mode>', 'fail (default) or skip invalid records')
  .action(async (annotationPath: string, imageDir: string | undefined, options: CommandOptions) => {
    process.exitCode = await ingestCommand(
      client(options.server),
      {
        annotationPath,
        imageDir,
        name: options.name,
        split: options.split,
        datasetId: options.datasetId,
        thumbnails: options.thumbnails,
        maskDir: options.maskDir,
        onInvalid: options.onInvalid,
      },
      { stdout: process.stdout, stderr: process.stderr },
    );
  });

program
  .command('upload')
  .description('upload a zip of a dataset (COCO, Roboflow or CVAT layout) to a running service and ingest every split in it, with live progress')
  .argument('<archive>', 'the .zip file, on this machine')
  .option(...serverOption)
  .option('--name <name>', "the dataset's name (default: the archive's)")
  .option('--thumbnails <mode>', 'all, none, or a number of images per split')
  .option('--on-invalid <mode>', 'fail (default) or skip invalid records')
  .action(async (archive: string, options: CommandOptions) => {
    process.exitCode = await uploadCommand(
      client(options.server),
      { archive, name: options.name, thumbnails: options.thumbnails, onInvalid: options.onInvalid },
      { stdout: process.stdout, stderr: process.stderr },
    );
  });

program
  .command('jobs')
  .description('list the recent jobs of a running service, newest first')
  .option(...serverOption)
  .option('--limit <n>', 'how many (1-500)', positiveInt, 20)
  .action(async (options: { server: string; limit: number }) => {
    const { items } = await client(options.server).get(`/jobs?limit=${options.limit}`);
    for (const j of items) {
      const what = j.archive ?? j.predictions ?? j.split ?? '';
      process.stdout.write(
        `${j.id}\t${j.kind ?? 'ingest'}\t${j.status}\tdataset ${j.dataset_id}\t${what}${j.error ? `\t${j.error.code}: ${j.error.message}` : ''}\n`,
      );
    }
  });

program
  .command('evaluate')
  .description("COCO evaluation of a prediction set (pycocotools' numbers) with live progress, then the summary and each category's figures")
  .argument('<dataset>', 'the dataset id', positiveInt)
  .requiredOption('--predictions <set>', 'the prediction set')
  .requiredOption('--iou-type <type>', 'bbox, segm or keypoints')
  .option('--split <split>', 'the split (needed when the dataset has several)')
  .option('--name <name>', "the evaluation's name (default <set>-<iou-type>)")
  .option('--sigmas <list>', "keypoints: OKS sigmas, one per keypoint, comma-separated (default COCO's 17)", sigmaList)
  .option(...serverOption)
  .action(async (dataset: number, options: CommandOptions) => {
    process.exitCode = await evaluateCommand(
      client(options.server),
      {
        datasetId: dataset,
        predictions: options.predictions,
        iouType: options.iouType,
        split: options.split,
        name: options.name,
        sigmas: options.sigmas,
      },
      { stdout: process.stdout, stderr: process.stderr },
    );
  });

program
  .command('watch')
  .description('follow a job already running (started by anyone) with live progress, then its summary; Ctrl-C stops watching, not the job')
  .argument('<job_id>', 'the job, as `coco-ingest jobs` lists it')
  .option(...serverOption)
  .action(async (jobId: string, options: { server: string }) => {
    process.exitCode = await followJobCommand(
      client(options.server),
      { job_id: jobId, events_url: `/jobs/${encodeURIComponent(jobId)}/events` },
      { stdout: process.stdout, stderr: process.stderr },
      undefined,
      { cancelOnInterrupt: false },
    );
  });

program
  .command('delete')
  .description('delete a dataset: its rows, thumbnails and uploaded files (cancels its running job)')
  .argument('<dataset>', 'the dataset id', positiveInt)
  .option(...serverOption)
  .action(async (dataset: number, options: { server: string }) => {
    await client(options.server).delete(`/datasets/${dataset}`);
    process.stdout.write(`deleted dataset ${dataset}\n`);
  });

program
  .command('datasets')
  .description('list the datasets of a running service')
  .option(...serverOption)
  .action(async (options: { server: string }) => {
    const { items } = await client(options.server).get('/datasets');
    for (const d of items)
      process.stdout.write(`${d.id}\t${d.name}\t${d.status}\t${d.image_count} images\t${d.annotation_count} annotations\t${(d.split_names ?? []).join(',')}\n`);
  });

program
  .command('check')
  .description("print a dataset's leaks (duplicates across splits) and annotation checks; exits 1 when there is a leak")
  .argument('<dataset>', 'the dataset id', positiveInt)
  .option(...serverOption)
  .option('--max-distance <n>', "Hamming distance of near duplicates (default: the service's, 3)", (v: string) => (v === '0' ? 0 : positiveInt(v)))
  .option('--against <dataset>', 'compare with another dataset (e.g. a public train set)', positiveInt)
  .action(async (dataset: number, options: CommandOptions) => {
    process.exitCode = await checkCommand(
      client(options.server),
      { dataset, maxDistance: options.maxDistance, against: options.against },
      { stdout: process.stdout },
    );
  });

program
  .command('export')
  .description('write a dataset (or a split, or a category subset) as the COCO JSON it was ingested from, to stdout')
  .argument('<dataset>', 'the dataset id', positiveInt)
  .option(...serverOption)
  .option('--split <split>', 'one split')
  .option('--category <name>', 'the images with this category, with all their annotations')
  .action(async (dataset: number, options: { server: string; split?: string; category?: string }) => {
    const query = new URLSearchParams();
    if (options.split) query.set('split', options.split);
    if (options.category) query.set('category', options.category);
    const response = await client(options.server).stream(`/datasets/${dataset}/export?${query}`);
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    } catch (err) {
      throw new Error(`the export of dataset ${dataset} stopped before its end: ${causeOf(err)}`);
    }
  });

/** An error's message on one line, with its cause's when it has one (fetch's "terminated" says little alone). */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const message = err instanceof Error ? err.message : String(err);
  return oneLine(cause instanceof Error ? `${message} (${cause.message})` : message);
}

/** The first line of a message, trimmed: every error the command prints is one line. */
function oneLine(text: string): string {
  return text.trim().split('\n', 1)[0]!.trim();
}

/** Ends the command with one line on stderr and exit code 1: never a stack trace. */
function fail(err: unknown): void {
  process.stderr.write(`coco-ingest: ${causeOf(err)}\n`);
  process.exitCode = 1;
}

// A client command's error, however it surfaces (a stream's 'error' event, a promise nobody awaited), is one line.
// The service and the worker keep their own handling.
program.hook('preAction', (_program, command) => {
  if (command.name() === 'serve' || command.name() === 'worker') return;
  process.on('uncaughtException', (err) => {
    fail(err);
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    fail(err);
    process.exit(1);
  });
  // A reader that stops early (`| head`) closes the pipe: that ends the command quietly, as it ends cat's.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    fail(err);
    process.exit(1);
  });
});

try {
  await program.parseAsync();
} catch (err) {
  fail(err);
}
