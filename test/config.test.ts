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
});
