import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { DatasetStorage } from '../../src/storage/DatasetStorage.js';
import { GcsObjectStore } from '../../src/storage/GcsObjectStore.js';
import { LocalFileStore } from '../../src/storage/LocalFileStore.js';
import { expectRejection } from '../helpers/expectRejection.js';

describe('DatasetStorage', () => {
  let dir: string;
  let storage: DatasetStorage;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dataset-storage-'));
    await writeFile(path.join(dir, 'instances.json'), '{}');
    storage = new DatasetStorage({ roots: [dir, 'gs://datasets/coco'] });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('chooses the store by the location’s scheme', () => {
    expect(storage.storeFor(path.join(dir, 'instances.json'))).to.be.instanceOf(LocalFileStore);
    expect(storage.storeFor('gs://datasets/coco/instances.json')).to.be.instanceOf(GcsObjectStore);
  });

  it('finds an image inside its bucket folder, and refuses a file_name that would leave it', () => {
    expect(storage.imageLocation('gs://datasets/coco/images', '000000000009.jpg')).to.equal('gs://datasets/coco/images/000000000009.jpg');
    expect(storage.imageLocation('gs://datasets/coco/images', 'sub/000000000009.jpg')).to.equal('gs://datasets/coco/images/sub/000000000009.jpg');
    for (const name of ['../secret.jpg', 'a/../../b.jpg', '/etc/passwd', 'a\\b.jpg', 'a//b.jpg', 'bad\u0001.jpg']) {
      expect(storage.imageLocation('gs://datasets/coco/images', name), name).to.equal(null);
    }
  });

  it('hands a worker a local image as its path, to read itself inside its folder', async () => {
    const source = await storage.imageSource(dir, 'photo.jpg', { maxPixels: 1000 });
    expect(source).to.deep.equal({ kind: 'path', path: path.join(dir, 'photo.jpg'), within: dir });
  });

  it('reports a file_name that leaves its folder as IMAGE_REFUSED, for disk and bucket alike, without reading', async () => {
    for (const folder of [dir, 'gs://datasets/coco/images']) {
      const failure = await storage.imageSource(folder, '../outside.jpg', { maxPixels: 1000 });
      expect(failure).to.include({ ok: false, code: 'IMAGE_REFUSED' });
    }
  });

  it('refuses, image by image and never by throwing, any coco_url outside the roots, whatever its scheme (seeded)', async () => {
    const anyScheme = fc
      .tuple(fc.constantFrom('file', 'ftp', 'data', 'javascript', 's3', 'gs', 'HTTP', 'https', 'mailto', 'x-y.z'), fc.string())
      .map(([scheme, rest]) => `${scheme}://${rest}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.webUrl(), anyScheme), async (url) => {
        const failure = await storage.imageSource(null, url, { maxPixels: 1000 });
        expect(failure, url).to.include({ ok: false, code: 'IMAGE_REFUSED' });
        const served = await expectRejection(storage.openImage(null, url));
        expect(served, url).to.include({ code: 'IMAGE_REFUSED', status: 403 });
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  it('answers 403 for a gs:// path outside the roots and 400 for a malformed one, before any request', async () => {
    const outside = await expectRejection(storage.resolve('annotation_path', 'gs://datasets/other/x.json', 'file'));
    expect(outside).to.include({ code: 'PATH_FORBIDDEN', status: 403 });
    const malformed = await expectRejection(storage.resolve('annotation_path', 'gs://Not_A_Bucket/x.json', 'file'));
    expect(malformed).to.include({ code: 'INVALID_REQUEST', status: 400 });
    expect(malformed.message).to.match(/^annotation_path: /);
  });

  it('resolves a local path inside a root to its real path', async () => {
    expect(await storage.resolve('annotation_path', path.join(dir, 'instances.json'), 'file')).to.equal(path.join(dir, 'instances.json'));
  });

  describe('with a private root inside its roots (the uploads folder)', () => {
    let data: string;
    let guarded: DatasetStorage;
    before(async () => {
      data = path.join(dir, 'data');
      await mkdir(path.join(data, 'uploads', '1', 'files', 'val'), { recursive: true });
      await writeFile(path.join(data, 'uploads', '1', 'files', 'val', 'a.jpg'), 'x');
      await symlink(path.join(data, 'uploads', '1', 'files'), path.join(dir, 'linked'));
      guarded = new DatasetStorage({ roots: [dir, path.join(data, 'uploads')], privateRoots: [path.join(data, 'uploads')] });
    });

    it('refuses a client-given path inside it, as given or through a link, with 403', async () => {
      for (const given of [path.join(data, 'uploads', '1', 'files', 'val'), path.join(data, 'uploads', '2'), path.join(dir, 'linked', 'val')]) {
        const err = await expectRejection(guarded.resolve('image_dir', given, 'directory'));
        expect(err.code, given).to.equal('PATH_FORBIDDEN');
        expect(err.message).to.equal(`image_dir: ${given} is inside the folder of uploaded datasets, which only their own uploads read`);
      }
      expect(await guarded.resolve('annotation_path', path.join(dir, 'instances.json'), 'file')).to.equal(path.join(dir, 'instances.json'));
    });

    it('lets an image be found in it from a folder inside it, never from one outside', () => {
      const inside = path.join(data, 'uploads', '1', 'files');
      expect(guarded.imageLocation(inside, 'val/a.jpg')).to.equal(path.join(inside, 'val', 'a.jpg'));
      expect(guarded.imageLocation(data, 'uploads/1/files/val/a.jpg')).to.equal(null);
      expect(guarded.imageLocation(dir, 'instances.json')).to.equal(path.join(dir, 'instances.json'));
    });
  });
});
