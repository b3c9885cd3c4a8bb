import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

// Google's Cloud Storage emulator from firebase-tools, started in-process. These
// are firebase-tools' internal modules (`firebase emulators:start` itself needs
// Java and downloads here): this helper is the one place that knows them, so a
// firebase-tools upgrade that moves them breaks here and nowhere else.
const require = createRequire(import.meta.url);

interface EmulatorModules {
  StorageEmulator: new (args: { projectId: string; auto_download: boolean; rules: unknown[] }) => unknown;
  createApp: (projectId: string, emulator: unknown) => Promise<{ listen(port: number, host: string): import('node:http').Server }>;
  EmulatorRegistry: { set(name: string, emulator: unknown): void };
}

/** A running emulator: its HTTP endpoint, for the client's `apiEndpoint`. */
export interface StorageEmulatorHandle {
  endpoint: string;
  projectId: string;
  stop(): Promise<void>;
}

/** Starts the storage emulator on 127.0.0.1, port 0. Buckets need no creating. */
export async function startStorageEmulator(projectId = 'demo-coco-ingest'): Promise<StorageEmulatorHandle> {
  const { StorageEmulator } = require('firebase-tools/lib/emulator/storage') as Pick<EmulatorModules, 'StorageEmulator'>;
  const { createApp } = require('firebase-tools/lib/emulator/storage/server') as Pick<EmulatorModules, 'createApp'>;
  const { EmulatorRegistry } = require('firebase-tools/lib/emulator/registry') as Pick<EmulatorModules, 'EmulatorRegistry'>;
  const emulator = new StorageEmulator({ projectId, auto_download: false, rules: [] });
  // Without the registration every request answers 500.
  EmulatorRegistry.set('storage', emulator);
  const app = await createApp(projectId, emulator);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    projectId,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let shared: Promise<StorageEmulatorHandle> | null = null;

/**
 * The one emulator of this test process, started by the root hook
 * (test/rootHooks.ts), or here on first use when a test file runs alone. One
 * per process: the emulator registers itself in a process-wide registry. Tests
 * keep out of each other's way by using their own bucket names.
 */
export function sharedStorageEmulator(): Promise<StorageEmulatorHandle> {
  shared ??= startStorageEmulator();
  return shared;
}

/** Stops the shared emulator, if one was started. */
export async function stopSharedStorageEmulator(): Promise<void> {
  const running = shared;
  shared = null;
  if (running) await (await running).stop();
}
