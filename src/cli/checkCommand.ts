import type { CommandIo } from './followJobCommand.js';
import type { ServiceAnswer, ServiceClient } from './ServiceClient.js';

/** Options of `coco-ingest check`. */
export interface CheckCommandOptions {
  dataset: number;
  /** Hamming distance of near duplicates; default the service's (3). */
  maxDistance?: number | undefined;
  /** Another dataset to compare with (`against`). */
  against?: number | undefined;
}

/** Leak groups printed in full; the rest are counted. */
const SHOWN_LEAKS = 20;

/**
 * Prints a dataset's leaks (duplicate groups across splits) and its
 * annotation checks; returns 1 when there is a leak, so that a training
 * script's CI stops on it, else 0. A dataset without hashes is an error that
 * says how to get them.
 */
export async function checkCommand(client: ServiceClient, options: CheckCommandOptions, io: Pick<CommandIo, 'stdout'>): Promise<number> {
  const query = new URLSearchParams({ limit: '1000' });
  if (options.maxDistance !== undefined) query.set('max_distance', String(options.maxDistance));
  if (options.against !== undefined) query.set('against', String(options.against));
  const duplicates = await client.get(`/datasets/${options.dataset}/duplicates?${query}`);
  const { checks } = await client.get(`/datasets/${options.dataset}/checks`);
  const leaks = (duplicates.groups as ServiceAnswer[]).filter((g) => g.cross_split);
  const out = (line: string) => io.stdout.write(`${line}\n`);
  out(
    `dataset ${options.dataset}: ${duplicates.leak_count} leak(s), ${duplicates.group_count - duplicates.leak_count} other duplicate group(s) ` +
      `at max_distance ${duplicates.max_distance} (${duplicates.hashed} images hashed, ${duplicates.unhashed} without hashes)`,
  );
  for (const group of leaks.slice(0, SHOWN_LEAKS)) {
    const members = (group.samples as ServiceAnswer[]).map(
      (s) => `${s.dataset_id === options.dataset ? '' : `dataset ${s.dataset_id} `}${s.split}/${s.file_name ?? s.coco_id} (${s.distance})`,
    );
    out(`  leak, ${group.kind}: ${members.join(', ')}`);
  }
  if (duplicates.leak_count > SHOWN_LEAKS) out(`  ... and ${duplicates.leak_count - SHOWN_LEAKS} more leaks`);
  out('checks:');
  for (const check of checks as ServiceAnswer[]) {
    const examples =
      check.sample_ids.length > 0
        ? `  e.g. samples ${check.sample_ids.join(', ')}`
        : check.ids.length > 0
          ? `  e.g. ${check.unit} ${check.ids.join(', ')}`
          : '';
    out(`  ${check.name}\t${check.count} ${check.unit}${examples}`);
  }
  return duplicates.leak_count > 0 ? 1 : 0;
}
