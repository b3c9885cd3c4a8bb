import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import yazl from 'yazl';
import { unpackZip } from '../../src/uploads/unpackZip.js';
import { expectRejection } from '../helpers/expectRejection.js';
import { SAMPLE_DIR } from '../helpers/startTestServer.js';

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

  it('refuses a symbolic link before writing any entry, even those before it', async () => {
    const file = await zipOf(dir, 'link.zip', [
      ['notes.txt', Buffer.from('first')],
      ['link', Buffer.from('/etc/passwd'), { mode: 0o120777 }],
    ]);
    const err = await expectRejection(unpackZip(file, path.join(dir, 'out')));
    expect(err.message).to.equal('uploaded archive: link: is a symbolic link');
    expect(await readdir(dir)).to.deep.equal(['link.zip']);
  });

  it('refuses an archive whose entries declare more than the byte bound, before writing a byte', async () => {
    const file = await zipOf(dir, 'big.zip', [
      ['a.bin', Buffer.alloc(600 * 1024)],
      ['b.bin', Buffer.alloc(600 * 1024)],
    ]);
    const err = await expectRejection(unpackZip(file, path.join(dir, 'out'), { maxBytes: 1024 * 1024 }));
    expect(err.code).to.equal('UPLOAD_REJECTED');
    expect(err.message).to.equal(`uploaded archive: its entries declare ${1200 * 1024} bytes unpacked, more than MAX_UNPACKED_BYTES (1048576)`);
    expect(await readdir(dir)).to.deep.equal(['big.zip']);
  });

  it('refuses a 1000:1 decompression bomb by its ratio under the default bounds, before writing a byte', async () => {
    const unpacked = 20 * 1024 * 1024;
    const file = await zipOf(dir, 'bomb.zip', [['zeros.bin', Buffer.alloc(unpacked)]]);
    const archive = (await stat(file)).size;
    expect(unpacked / archive, "a bomb of deflate's ratio").to.be.above(900);
    const err = await expectRejection(unpackZip(file, path.join(dir, 'out')));
    expect(err.code).to.equal('UPLOAD_REJECTED');
    expect(err.message).to.equal(
      `uploaded archive: its entries declare ${unpacked} bytes unpacked from ${archive} bytes, ${(unpacked / archive).toFixed(1)} times its size, ` +
        "more than MAX_UNPACK_RATIO (50); a dataset's images unpack to about their size, its JSON to 5-10 times",
    );
    expect(await readdir(dir)).to.deep.equal(['bomb.zip']);
  });

  it('takes the fixture dataset, its JPEGs and its JSON, under the default bounds', async () => {
    const images = await readdir(path.join(SAMPLE_DIR, 'images', 'val'));
    const file = await zipOf(dir, 'real.zip', [
      ['annotations/instances_val.json', await readFile(path.join(SAMPLE_DIR, 'annotations', 'instances_val.json'))],
      ...(await Promise.all(images.map(async (n): Promise<[string, Buffer]> => [`val/${n}`, await readFile(path.join(SAMPLE_DIR, 'images', 'val', n))]))),
    ]);
    expect(await unpackZip(file, path.join(dir, 'out'))).to.have.length(images.length + 1);
  });

  it('takes JSON alone, at its usual ratio, under the default bounds', async () => {
    const json = await readFile(path.join(SAMPLE_DIR, 'annotations', 'instances_train.json'));
    const file = await zipOf(dir, 'json.zip', [['annotations/instances_train.json', json]]);
    expect(json.length / (await stat(file)).size, 'JSON deflates 3-10 times').to.be.within(2, 15);
    expect(await unpackZip(file, path.join(dir, 'out'))).to.deep.equal(['annotations/instances_train.json']);
  });

  it('refuses an archive that would leave the disk less than its margin free, before writing a byte', async () => {
    const file = await zipOf(dir, 'ok.zip', [['notes.txt', Buffer.from('hello')]]);
    const { bavail, bsize } = await statfs(dir);
    const keep = bavail * bsize;
    const err = await expectRejection(unpackZip(file, path.join(dir, 'out'), { keepFreeBytes: keep }));
    expect(err.code).to.equal('UPLOAD_REJECTED');
    expect(err.message).to.match(
      /^uploaded archive: its entries declare 5 bytes unpacked, more than the disk can take: (\d+) bytes free, less MIN_FREE_DISK_BYTES \((\d+)\) kept free$/,
    );
    expect(err.message).to.include(`MIN_FREE_DISK_BYTES (${keep})`);
    expect(await readdir(dir)).to.deep.equal(['ok.zip']);
  });

  it("refuses an entry larger than its central directory declares (yauzl's check), naming it, and writes no more than declared", async () => {
    const file = await zipOf(dir, 'liar.zip', [['zeros.bin', Buffer.alloc(1024 * 1024)]]);
    // The central directory's record (PK\x01\x02) holds the uncompressed size at offset 24: it is made to say 1000.
    const bytes = await readFile(file);
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(1000, central + 24);
    await writeFile(file, bytes);
    const out = path.join(dir, 'out');
    const err = await expectRejection(unpackZip(file, out));
    expect(err.code).to.equal('UPLOAD_REJECTED');
    expect(err.message).to.match(/^uploaded archive: zeros\.bin: cannot be unpacked \(too many bytes in the stream\. expected 1000\. got at least \d+\)$/);
    // The entry's file may not have been opened yet when yauzl stops the stream: then nothing was written.
    const written = await stat(path.join(out, 'zeros.bin')).then(
      (s) => s.size,
      (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? 0 : Promise.reject(e)),
    );
    expect(written).to.be.at.most(1000);
  });

  it('refuses more entries than its bound, and a file that is not a zip', async () => {
    const many = await zipOf(
      dir,
      'many.zip',
      Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, Buffer.from('x')] as [string, Buffer]),
    );
    expect((await expectRejection(unpackZip(many, path.join(dir, 'out'), { maxEntries: 3 }))).message).to.equal(
      'uploaded archive: holds 5 entries, more than 3',
    );
    const notZip = path.join(dir, 'not.zip');
    await import('node:fs/promises').then((fs) => fs.writeFile(notZip, 'hello'));
    expect((await expectRejection(unpackZip(notZip, path.join(dir, 'out')))).message).to.match(/^uploaded archive: not a readable zip archive/);
  });
});
