import { sharedStorageEmulator, stopSharedStorageEmulator } from '../bench/harness/storageEmulator.js';

/**
 * Mocha root hooks (loaded by .mocharc.json): Google's Cloud Storage emulator
 * runs in-process, over HTTP on a free port, for the whole run.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await sharedStorageEmulator();
  },
  async afterAll(): Promise<void> {
    await stopSharedStorageEmulator();
  },
};
