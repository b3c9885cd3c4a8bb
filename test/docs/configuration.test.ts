import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig, SETTINGS } from '../../src/config.js';
import { REPO_ROOT } from '../helpers/startTestServer.js';

/** The variables docs/configuration.md's table lists, with the default it states: `| \`NAME\` | default | meaning |`. */
function documentedSettings(): Map<string, string> {
  const text = readFileSync(path.join(REPO_ROOT, 'docs/configuration.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const row = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*([^|]*?)\s*\|/.exec(line);
    if (row) rows.set(row[1]!, row[2]!);
  }
  return rows;
}

describe('the configuration reference (docs/configuration.md)', () => {
  const documented = documentedSettings();
  const settings = Object.keys(SETTINGS.shape);

  it('documents every setting the service reads, and no other', () => {
    expect(
      settings.filter((name) => !documented.has(name) && name !== 'STORAGE_EMULATOR_HOST'),
      'settings missing from the page',
    ).to.deep.equal([]);
    expect(
      [...documented.keys()].filter((name) => !settings.includes(name)),
      'variables the service does not read',
    ).to.deep.equal([]);
  });

  it('states the default the service really takes for each numeric setting', () => {
    const config = loadConfig({}, '/srv');
    // The number each documented default says, against what an empty environment gives.
    const given: Record<string, number> = {
      PORT: config.port,
      THUMBNAIL_QUALITY: config.thumbnailQuality,
      THUMBNAIL_EFFORT: config.thumbnailEffort,
      MAX_UPLOAD_BYTES: config.uploads.maxBytes,
      MAX_UNPACKED_BYTES: config.uploads.maxUnpackedBytes,
      MAX_UNPACK_RATIO: config.uploads.maxUnpackRatio,
      MIN_FREE_DISK_BYTES: config.uploads.minFreeDiskBytes,
      MAX_CONCURRENT_UPLOADS: config.uploads.maxConcurrent,
      UPLOAD_STALL_MS: config.uploads.stallMs,
      MAX_BODY_BYTES: config.maxBodyBytes,
      IMAGE_READ_CONCURRENCY: config.imageReadConcurrency,
      GCS_TIMEOUT_MS: config.gcs.timeoutMs,
      HTTP_MAX_RETRIES: config.http.maxRetries,
    };
    for (const [name, value] of Object.entries(given)) {
      expect(documented.get(name), `${name}'s default in docs/configuration.md`).to.equal(`\`${value}\``);
    }
  });
});
