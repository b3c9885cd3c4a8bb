import { expect } from 'chai';
import { ChunkLedger, type SentChunk } from '../../src/queue/ChunkLedger.js';
import type { QueuedImage } from '../../src/queue/queueMessages.js';
import type { ThumbnailResult } from '../../src/workers/messages.js';

const image = (location: string): QueuedImage => ({
  imageDir: '/images',
  location,
  outputs: [{ size: 256, key: `1/j/medium/${location}.webp` }],
  quality: 80,
  maxPixels: 1e8,
});

const made = (bytes: number): ThumbnailResult => ({
  ok: true,
  width: 640,
  height: 480,
  format: 'jpeg',
  outputs: [{ size: 256, path: null, bytes, width: 256, height: 192, data: new Uint8Array(bytes) }],
});

/** A ledger whose sent chunks are collected, and which counts its settlements. */
function ledger(chunkImages: number, lingerMs = 60_000) {
  const sent: SentChunk[] = [];
  let settlements = 0;
  const chunks = new ChunkLedger({ chunkImages, lingerMs, send: (chunk) => sent.push(chunk), onSettled: () => settlements++ });
  return { chunks, sent, settlements: () => settlements };
}

describe('ChunkLedger', () => {
  it('sends a chunk as soon as it holds chunkImages images of one job, never mixing jobs', () => {
    const { chunks, sent } = ledger(2);
    void chunks.add('a', image('1'), undefined);
    void chunks.add('b', image('2'), undefined);
    expect(sent).to.have.lengthOf(0);
    void chunks.add('a', image('3'), undefined);
    expect(sent).to.have.lengthOf(1);
    expect(sent[0]!.jobId).to.equal('a');
    expect(sent[0]!.images.map((i) => i.location)).to.deep.equal(['1', '3']);
    expect(chunks.pendingImages).to.equal(3);
    chunks.failAll(new Error('closing'));
  });

  it('sends a chunk that is not full once it has lingered', async () => {
    const sent: SentChunk[] = [];
    const arrived = new Promise<void>((resolve) => {
      const chunks = new ChunkLedger({
        chunkImages: 16,
        lingerMs: 5,
        send: (chunk) => {
          sent.push(chunk);
          resolve();
        },
        onSettled: () => undefined,
      });
      void chunks.add('a', image('1'), undefined);
    });
    await arrived;
    expect(sent[0]!.images).to.have.lengthOf(1);
  });

  it('records an outcome once however often it is delivered, handing back results without thumbnail bytes', async () => {
    const { chunks, sent, settlements } = ledger(2);
    const first = chunks.add('a', image('1'), undefined);
    const second = chunks.add('a', image('2'), undefined);
    const { chunkId } = sent[0]!;
    const outcome = {
      chunkId,
      jobId: 'a',
      cancelled: false as const,
      results: [made(10), { ok: false as const, code: 'IMAGE_MISSING' as const, message: '2: not found' }],
    };
    chunks.record(outcome);
    chunks.record(outcome);
    expect(settlements()).to.equal(1);
    expect(chunks.pendingImages).to.equal(0);
    const result = await first;
    expect(result.ok && result.outputs[0]).to.deep.equal({ size: 256, path: null, bytes: 10, width: 256, height: 192 });
    expect(await second).to.deep.equal({ ok: false, code: 'IMAGE_MISSING', message: '2: not found' });
  });

  it('rejects the images of a cancelled chunk with an AbortError, and of a job whose open chunk is dropped', async () => {
    const { chunks, sent } = ledger(1);
    const sentOne = chunks.add('a', image('1'), undefined);
    const { chunkId } = sent[0]!;
    expect(chunks.sentOf('a')).to.deep.equal([chunkId]);
    chunks.cancel(chunkId);
    const err = await sentOne.then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.name).to.equal('AbortError');
    expect(chunks.sentOf('a')).to.deep.equal([]);

    const { chunks: filling, sent: none } = ledger(4);
    const open = filling.add('b', image('2'), undefined);
    filling.dropOpen('b', Object.assign(new Error('job b was cancelled'), { name: 'AbortError' }));
    expect(
      (
        await open.then(
          () => null,
          (e: Error) => e,
        )
      )?.message,
    ).to.equal('job b was cancelled');
    expect(none).to.have.lengthOf(0);
    expect(filling.pendingImages).to.equal(0);
  });

  it('resolves the images of a chunk that failed for good as WORKER_CRASHED, naming each image', async () => {
    const { chunks, sent } = ledger(1);
    const one = chunks.add('a', image('dir/cat.jpg'), undefined);
    chunks.crashed(sent[0]!.chunkId, 'thumbnail worker failed (job stalled more than allowable limit)');
    expect(await one).to.deep.equal({ ok: false, code: 'WORKER_CRASHED', message: 'cat.jpg: thumbnail worker failed (job stalled more than allowable limit)' });
  });

  it('rejects an image whose caller aborted even when its result arrives', async () => {
    const { chunks, sent } = ledger(1);
    const controller = new AbortController();
    const one = chunks.add('a', image('1'), controller.signal);
    controller.abort(new Error('job cancelled'));
    chunks.record({ chunkId: sent[0]!.chunkId, jobId: 'a', cancelled: false, results: [made(5)] });
    const err = await one.then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.name).to.equal('AbortError');
  });
});
