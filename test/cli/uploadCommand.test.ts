import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { run } from '../helpers/runCli.js';
import { getJson } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';
import { type ZipEntry, zipOf } from '../helpers/zipOf.js';

describe('coco-ingest upload', function () {
  this.timeout(60_000);
  let server: TestServer;
  let archive: string;

  before(async () => {
    server = await startTestServer();
    const entries: ZipEntry[] = [['annotations/instances_val.json', path.join(SAMPLE_DIR, 'annotations/instances_val.json')]];
    for (const name of await readdir(path.join(SAMPLE_DIR, 'images/val'))) entries.push([`val/${name}`, path.join(SAMPLE_DIR, 'images/val', name)]);
    archive = path.join(server.scratch, 'street-scenes.zip');
    await writeFile(archive, await zipOf(entries));
  });
  after(async () => {
    await server?.stop();
  });

  it('uploads a zip through a pipe: plain lines, then the summary of each split, exit 0', async () => {
    const { code, stdout, stderr } = await run(['upload', archive, '--server', server.url]);
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(/^dataset \d+: ingested 12 images, 46 annotations and 10 categories from a coco archive \(splits val\)/m);
    expect(stdout).to.match(/^ {2}split val: images 12, annotations 46, categories 10$/m);
    expect(stdout).to.match(/thumbnails 12 made, 0 failed/);
    expect(stdout).not.to.include('\u001b[');
    const { body } = await getJson(`${server.url}/datasets`);
    expect(body.items.find((d: any) => d.name === 'street-scenes')).to.include({ status: 'ready', image_count: 12 });
  });

  it("draws a bar for the bytes sent, the unpacking and each split's stages on a terminal", async () => {
    const { code, stdout } = await run(['upload', archive, '--server', server.url, '--name', 'from a terminal', '--thumbnails', 'none'], undefined, {
      viaTerminal: true,
    });
    expect(code).to.equal(0);
    // Full bars, each at its stage's end: the bytes (in MB), the archive's 13 entries, the split's 12 images.
    expect(stdout).to.match(/upload\s*\|█+\|\s*100% \| (\d+\.\d MB)\/\1/);
    expect(stdout).to.match(/unpack\s*\|█+\|\s*100% \| 13\/13/);
    expect(stdout).to.match(/val images\s*\|█+\|\s*100% \| 12\/12/);
  });

  it("exits 1 with the service's reason when the archive is refused", async () => {
    const notes = path.join(server.scratch, 'notes.zip');
    await writeFile(notes, await zipOf([['notes.txt', Buffer.from('hello')]]));
    const { code, stderr } = await run(['upload', notes, '--server', server.url]);
    expect(code).to.equal(1);
    expect(stderr).to.match(/coco-ingest: failed: uploaded archive: not a layout this service knows .*notes\.txt/);
  });

  it('exits 1 before sending a zip larger than the service takes, saying the bound', async () => {
    const small = await startTestServer({ MAX_UPLOAD_BYTES: '2048' });
    try {
      const { code, stderr } = await run(['upload', archive, '--server', small.url]);
      expect(code).to.equal(1);
      expect(stderr).to.match(/street-scenes\.zip is \d+ bytes; the service takes at most 2048 \(MAX_UPLOAD_BYTES\)/);
      expect((await getJson(`${small.url}/datasets`)).body.items).to.deep.equal([]);
    } finally {
      await small.stop();
    }
  });

  it('exits 1 with one line naming the path for a folder, a missing file, a file it may not read or a device, before sending anything', async () => {
    const folder = path.join(server.scratch, 'a-folder');
    await mkdir(folder, { recursive: true });
    const locked = path.join(server.scratch, 'locked.zip');
    await writeFile(locked, await readFile(archive));
    await chmod(locked, 0o000);
    // Root reads any file: the unreadable one is tried as nobody then.
    const nobody = process.getuid?.() === 0 ? { user: { uid: 65534, gid: 65534 } } : {};
    const cases: [string, string, object][] = [
      [folder, 'is a folder; give the .zip file itself', {}],
      [path.join(server.scratch, 'missing.zip'), 'no such file', {}],
      [locked, 'permission denied', nobody],
      ['/dev/null', 'is not a regular file; give the .zip file itself', {}],
    ];
    const before = (await getJson(`${server.url}/datasets`)).body.items.length;
    for (const [file, why, options] of cases) {
      const { code, stdout, stderr } = await run(['upload', file, '--server', server.url], undefined, options);
      expect(code, file).to.equal(1);
      expect(stderr, file).to.equal(`coco-ingest: ${file}: ${why}\n`);
      expect(stdout, file).to.equal('');
    }
    expect((await getJson(`${server.url}/datasets`)).body.items).to.have.length(before);
  });
});
