import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).to.include({ port: 3000, host: '127.0.0.1', dataDir: '/srv/app/data', pluginDir: '/srv/app/plugins', logLevel: 'info', maxConcurrentJobs: 1 });
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

  it('keeps gs:// ingest roots as they are, next to local ones', () => {
    const config = loadConfig({ INGEST_ROOTS: 'datasets,gs://my-bucket/coco' }, '/srv/app');
    expect(config.ingestRoots).to.deep.equal([path.resolve('/srv/app/datasets'), 'gs://my-bucket/coco']);
  });

  it('refuses a malformed gs:// ingest root, naming it', () => {
    expect(() => loadConfig({ INGEST_ROOTS: 'gs://My_Bucket/coco' }, '/srv/app')).to.throw(ConfigError, /INGEST_ROOTS: gs:\/\/My_Bucket\/coco: "My_Bucket" is not a valid bucket name/);
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
});
