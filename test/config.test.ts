import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).to.include({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/srv/app/data',
      pluginDir: '/srv/app/plugins',
      logLevel: 'info',
      maxConcurrentJobs: 1,
    });
    expect(config.ingestRoots).to.deep.equal(['/srv/app']);
    expect(config.workers).to.be.greaterThan(0);
  });

  it('reads comma-separated ingest roots relative to the working directory', () => {
    const config = loadConfig({ INGEST_ROOTS: 'datasets, /mnt/coco ,' }, '/srv/app');
    expect(config.ingestRoots).to.deep.equal([path.resolve('/srv/app/datasets'), '/mnt/coco']);
  });

  it('names every bad variable in one message', () => {
    try {
      loadConfig({ PORT: 'eighty', WORKERS: '0', LOG_LEVEL: 'loud' }, '/srv/app');
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).to.match(/PORT="eighty": PORT must be a whole number/);
      expect(message).to.match(/WORKERS="0": WORKERS must be between 1 and 256/);
      expect(message).to.match(/LOG_LEVEL="loud"/);
    }
  });

  it('keeps 32MB of DuckDB block memory by default, and refuses a size without a unit', () => {
    expect(loadConfig({}, '/srv/app').duckdbBlockMemory).to.equal('32MB');
    expect(loadConfig({ DUCKDB_BLOCK_MEMORY: '64MB' }, '/srv/app').duckdbBlockMemory).to.equal('64MB');
    expect(() => loadConfig({ DUCKDB_BLOCK_MEMORY: '64' }, '/srv/app')).to.throw(
      ConfigError,
      /DUCKDB_BLOCK_MEMORY="64": DUCKDB_BLOCK_MEMORY must look like 32MB or 1GB/,
    );
  });

  it('keeps gs:// ingest roots as they are, next to local ones', () => {
    const config = loadConfig({ INGEST_ROOTS: 'datasets,gs://my-bucket/coco' }, '/srv/app');
    expect(config.ingestRoots).to.deep.equal([path.resolve('/srv/app/datasets'), 'gs://my-bucket/coco']);
  });

  it('refuses a malformed gs:// ingest root, naming it', () => {
    expect(() => loadConfig({ INGEST_ROOTS: 'gs://My_Bucket/coco' }, '/srv/app')).to.throw(
      ConfigError,
      /INGEST_ROOTS: gs:\/\/My_Bucket\/coco: "My_Bucket" is not a valid bucket name/,
    );
    expect(() => loadConfig({ INGEST_ROOTS: 'gs://bucket/a/../b' }, '/srv/app')).to.throw(ConfigError, /".." segment/);
  });

  it('reaches Google’s endpoint with the credentials’ project unless told otherwise', () => {
    expect(loadConfig({}, '/srv/app').gcs).to.deep.equal({ endpoint: null, projectId: null, timeoutMs: 30_000, stallTimeoutMs: 10_000, maxRetries: 4 });
    expect(loadConfig({}, '/srv/app').imageReadConcurrency).to.equal(16);
  });

  it('takes the emulator from GCS_ENDPOINT, else from STORAGE_EMULATOR_HOST with or without a scheme', () => {
    expect(loadConfig({ STORAGE_EMULATOR_HOST: 'localhost:9199' }, '/srv/app').gcs.endpoint).to.equal('http://localhost:9199');
    expect(loadConfig({ STORAGE_EMULATOR_HOST: 'http://127.0.0.1:9199' }, '/srv/app').gcs.endpoint).to.equal('http://127.0.0.1:9199');
    const both = loadConfig({ GCS_ENDPOINT: 'http://127.0.0.1:4443', STORAGE_EMULATOR_HOST: 'localhost:9199', GCS_PROJECT_ID: 'demo-project' }, '/srv/app');
    expect(both.gcs).to.include({ endpoint: 'http://127.0.0.1:4443', projectId: 'demo-project' });
  });

  it('names a bad GCS_ENDPOINT, GCS_PROJECT_ID or IMAGE_READ_CONCURRENCY', () => {
    try {
      loadConfig({ GCS_ENDPOINT: 'storage.local', GCS_PROJECT_ID: 'Bad Project', IMAGE_READ_CONCURRENCY: '0' }, '/srv/app');
      expect.fail('should have thrown');
    } catch (err) {
      const message = (err as Error).message;
      expect(message).to.match(/GCS_ENDPOINT="storage.local": GCS_ENDPOINT must be an http\(s\) URL/);
      expect(message).to.match(/GCS_PROJECT_ID="Bad Project"/);
      expect(message).to.match(/IMAGE_READ_CONCURRENCY="0": IMAGE_READ_CONCURRENCY must be between 1 and 1024/);
    }
  });

  it('has no queue without REDIS_URL, and the documented queue settings with one', () => {
    expect(loadConfig({}, '/srv/app').queue).to.equal(null);
    expect(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6379' }, '/srv/app').queue).to.deep.equal({
      redisUrl: 'redis://10.0.0.5:6379',
      chunkImages: 16,
      windowChunks: 32,
      stallMs: 30_000,
    });
    const tuned = loadConfig(
      { REDIS_URL: 'rediss://:pw@cache:6380/2', QUEUE_CHUNK_IMAGES: '4', QUEUE_WINDOW_CHUNKS: '200', QUEUE_STALL_MS: '1000' },
      '/srv/app',
    );
    expect(tuned.queue).to.deep.include({ chunkImages: 4, windowChunks: 200, stallMs: 1000 });
  });

  it('names a REDIS_URL that is not a redis URL, and queue settings out of range', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://cache:6379', QUEUE_STALL_MS: '10' }, '/srv/app')).to.throw(
      ConfigError,
      /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL[\s\S]*QUEUE_STALL_MS must be between 500/,
    );
  });

  it('takes a WebP effort from 0 to 6, default 2', () => {
    expect(loadConfig({}, '/srv/app').thumbnailEffort).to.equal(2);
    expect(loadConfig({ THUMBNAIL_EFFORT: '0' }, '/srv/app').thumbnailEffort).to.equal(0);
    expect(() => loadConfig({ THUMBNAIL_EFFORT: '7' }, '/srv/app')).to.throw(ConfigError, /THUMBNAIL_EFFORT must be between 0 and 6/);
  });
});
