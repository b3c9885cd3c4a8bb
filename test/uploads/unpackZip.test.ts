import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import yazl from 'yazl';
import { unpackZip } from '../../src/uploads/unpackZip.js';
import { expectRejection } from '../helpers/expectRejection.js';

/** Writes a zip of `entries` (name -> contents, or options for yazl) and returns its path. */
async function zipOf(dir: string, name: string, entries: [string, Buffer, Partial<yazl.Options>?][]): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [entryName, data, options] of entries) zip.addBuffer(data, entryName, options ?? {});
  zip.end();
  const file = path.join(dir, name);
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}

describe('unpackZip', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'coco-ingest-unzip-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('unpacks files and folders into the target, and lists the files it wrote', async () => {
    const file = await zipOf(dir, 'ok.zip', [
      ['annotations/instances_val.json', Buffer.from('{"images":[]}')],
      ['val/000000000139.jpg', Buffer.from([0xff, 0xd8, 0xff])],
    ]);
    const out = path.join(dir, 'out');
    expect(await unpackZip(file, out)).to.deep.equal(['annotations/instances_val.json', 'val/000000000139.jpg']);
    expect(await readFile(path.join(out, 'annotations/instances_val.json'), 'utf8')).to.equal('{"images":[]}');
  });

  it('refuses an entry that climbs out with ../, naming it, and writes nothing outside', async () => {
    const file = await zipOf(dir, 'climb.zip', [['ok.txt', Buffer.from('x')]]);
    // yazl refuses to write such a name, so the bytes of a valid one are rewritten to it.
    const bytes = (await readFile(file)).toString('latin1').replaceAll('ok.txt', '../x.t');
    const evil = path.join(dir, 'evil.zip');
    await import('node:fs/promises').then((fs) => fs.writeFile(evil, Buffer.from(bytes, 'latin1')));
    const err = await expectRejection(unpackZip(evil, path.join(dir, 'out')));
    expect(err.code).to.equal('UPLOAD_REJECTED');
    expect(err.message).to.include('../x.t');
    expect(await readdir(dir)).to.have.members(['climb.zip', 'evil.zip']);
  });

  it('refuses a symbolic link', async () => {
    const file = await zipOf(dir, 'link.zip', [['link', Buffer.from('/etc/passwd'), { mode: 0o120777 }]]);
    const err = await expectRejection(unpackZip(file, path.join(dir, 'out')));
    expect(err.message).to.equal('uploaded archive: link: is a symbolic link');
  });

  it('stops a decompression bomb at the byte bound, counting what is written, not what headers claim', async () => {
    const file = await zipOf(dir, 'bomb.zip', [['zeros.bin', Buffer.alloc(20 * 1024 * 1024)]]);
    const err = await expectRejection(unpackZip(file, path.join(dir, 'out'), { maxBytes: 1024 * 1024 }));
    expect(err.message).to.equal('uploaded archive: zeros.bin: unpacks past the bound of 1048576 bytes');
  });

  it('refuses more entries than its bound, and a file that is not a zip', async () => {
    const many = await zipOf(dir, 'many.zip', Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, Buffer.from('x')] as [string, Buffer]));
    expect((await expectRejection(unpackZip(many, path.join(dir, 'out'), { maxEntries: 3 }))).message).to.equal('uploaded archive: holds 5 entries, more than 3');
    const notZip = path.join(dir, 'not.zip');
    await import('node:fs/promises').then((fs) => fs.writeFile(notZip, 'hello'));
    expect((await expectRejection(unpackZip(notZip, path.join(dir, 'out')))).message).to.match(/^uploaded archive: not a readable zip archive/);
  });
});
