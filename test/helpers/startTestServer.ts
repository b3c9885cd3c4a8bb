import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, startServer } from '../../src/app/startServer.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

/** The repository root (tests run from dist/test/...). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The committed fixture dataset. */
export const SAMPLE_DIR = path.join(REPO_ROOT, 'fixtures/coco-sample');
export const BROKEN_DIR = path.join(REPO_ROOT, 'fixtures/broken');

/** A real server on port 0 with its own DATA_DIR, plus a scratch directory inside its ingest roots. */
export interface TestServer extends RunningServer {
  dataDir: string;
  scratch: string;
  config: Config;
  /** Closes the server and removes its directories. */
  stop(): Promise<void>;
}

/**
 * Starts the real service on 127.0.0.1:0; `env` overrides the configuration
 * variables, and `extraRoots` are added to the default INGEST_ROOTS (the
 * fixtures and the scratch folder).
 */
export async function startTestServer(env: Record<string, string> = {}, extraRoots: readonly string[] = []): Promise<TestServer> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'coco-ingest-test-'));
  const dataDir = path.join(base, 'data');
  const scratch = path.join(base, 'scratch');
  await mkdir(scratch, { recursive: true });
  let config: Config;
  let running: RunningServer;
  try {
    config = loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        INGEST_ROOTS: [path.join(REPO_ROOT, 'fixtures'), scratch, ...extraRoots].join(','),
        WORKERS: '2',
        PLUGIN_DIR: path.join(REPO_ROOT, 'plugins'),
        LOG_LEVEL: 'silent',
        // Tests that time nothing need no compiled evaluation code; the warm-up has tests of its own.
        EVALUATION_WARM_UP_IMAGES: '0',
        ...env,
      },
      REPO_ROOT,
    );
    running = await startServer(config, createLogger(config.logLevel));
  } catch (err) {
    // A server that refuses to start (tests expect some to) leaves no folder behind either.
    await rm(base, { recursive: true, force: true });
    throw err;
  }
  return {
    ...running,
    dataDir,
    scratch,
    config,
    async stop() {
      await running.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a test server before the enclosing `describe`'s tests and stops it
 * after them; the object returned stands for it (its properties are the
 * running server's), so tests read `server.url` as with their own variable.
 */
export function useTestServer(env: Record<string, string> = {}, extraRoots: readonly string[] = []): TestServer {
  let current: TestServer | null = null;
  before(async () => {
    current = await startTestServer(env, extraRoots);
  });
  after(async () => {
    await current?.stop();
    current = null;
  });
  return new Proxy({} as TestServer, {
    get(_target, key) {
      if (current === null) throw new Error("the test server runs only inside its describe block's tests");
      return Reflect.get(current, key);
    },
  });
}
