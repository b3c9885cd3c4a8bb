import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import type { StorageEmulatorHandle } from './storageEmulator.js';

/** Where an emulator answers. */
type EmulatorAddress = Pick<StorageEmulatorHandle, 'endpoint' | 'projectId'>;

/** A client of the emulator, to put test data in place (the service under test has its own). */
export function emulatorClient(emulator: EmulatorAddress): Storage {
  return new Storage({ apiEndpoint: emulator.endpoint, projectId: emulator.projectId });
}

/**
 * Uploads every file under `dir` to `gs://bucket/prefix/...`, keeping relative
 * paths, a few at a time; returns how many. Buckets need no creating here.
 */
export async function uploadFolder(emulator: EmulatorAddress, dir: string, bucket: string, prefix: string): Promise<number> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const target = emulatorClient(emulator).bucket(bucket);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < files.length) {
        const entry = files[next++]!;
        const full = path.join(entry.parentPath, entry.name);
        const name = `${prefix}/${path.relative(dir, full).split(path.sep).join('/')}`;
        await target.file(name).save(await readFile(full), { resumable: false, validation: false });
      }
    }),
  );
  return files.length;
}
