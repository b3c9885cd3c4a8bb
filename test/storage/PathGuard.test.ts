import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { PathGuard } from '../../src/storage/PathGuard.js';
import { expectRejection } from '../helpers/expectRejection.js';

describe('PathGuard', () => {
  let base: string;
  let root: string;
  let guard: PathGuard;
  before(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'guard-'));
    root = path.join(base, 'root');
    await mkdir(path.join(root, 'images'), { recursive: true });
    await writeFile(path.join(root, 'a.json'), '{}');
    await writeFile(path.join(base, 'outside.json'), '{}');
    await symlink(path.join(base, 'outside.json'), path.join(root, 'link.json'));
    guard = new PathGuard([root]);
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const rejects = async (promise: Promise<unknown>, status: number, pattern: RegExp) => {
    expect((await expectRejection(promise, pattern)).status).to.equal(status);
  };

  it('resolves a file and a directory inside a root to their real paths', async () => {
    expect(await guard.resolve('annotation_path', path.join(root, 'a.json'), 'file')).to.match(/a\.json$/);
    expect(await guard.resolve('image_dir', path.join(root, 'images'), 'directory')).to.match(/images$/);
  });

  it('refuses paths outside the roots with 403, whether or not they exist', async () => {
    await rejects(guard.resolve('annotation_path', path.join(base, 'outside.json'), 'file'), 403, /outside/);
    await rejects(guard.resolve('annotation_path', '/no/such/file.json', 'file'), 403, /outside/);
    await rejects(guard.resolve('annotation_path', path.join(root, '../outside.json'), 'file'), 403, /outside/);
  });

  it('refuses a symlink inside a root that points out of it', async () => {
    await rejects(guard.resolve('annotation_path', path.join(root, 'link.json'), 'file'), 403, /outside INGEST_ROOTS/);
  });

  it('answers 400 for a missing path or the wrong kind', async () => {
    await rejects(guard.resolve('annotation_path', path.join(root, 'missing.json'), 'file'), 400, /does not exist/);
    await rejects(guard.resolve('image_dir', path.join(root, 'a.json'), 'directory'), 400, /not a directory/);
    await rejects(guard.resolve('annotation_path', path.join(root, 'images'), 'file'), 400, /not a file/);
  });
});
