import path from 'node:path';
import { type CommandIo, followJobCommand } from './followJobCommand.js';
import type { ServiceClient } from './ServiceClient.js';

/** Options of `coco-ingest ingest`. */
export interface IngestCommandOptions {
  annotationPath: string;
  imageDir?: string | undefined;
  name?: string | undefined;
  split?: string | undefined;
  datasetId?: number | undefined;
  thumbnails?: string | undefined;
  maskDir?: string | undefined;
  onInvalid?: string | undefined;
}

/**
 * Starts an ingest on a running service, shows its progress (bars on a
 * terminal, a line a second otherwise), then its summary. Ctrl-C cancels the
 * job it started. Paths are resolved against the working directory, as a
 * terminal user means them.
 */
export async function ingestCommand(client: ServiceClient, options: IngestCommandOptions, io: CommandIo): Promise<number> {
  const absolute = (p: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : path.resolve(p));
  const body: Record<string, unknown> = { annotation_path: absolute(options.annotationPath) };
  if (options.imageDir !== undefined) body.image_dir = absolute(options.imageDir);
  if (options.maskDir !== undefined) body.mask_dir = absolute(options.maskDir);
  if (options.name !== undefined) body.dataset_name = options.name;
  if (options.split !== undefined) body.split = options.split;
  if (options.datasetId !== undefined) body.dataset_id = options.datasetId;
  if (options.thumbnails !== undefined) body.thumbnails = /^\d+$/.test(options.thumbnails) ? Number(options.thumbnails) : options.thumbnails;
  if (options.onInvalid !== undefined) body.on_invalid = options.onInvalid;
  const job = await client.post('/datasets/ingest', body);
  return followJobCommand(client, job, io);
}
