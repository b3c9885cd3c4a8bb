import { expect } from 'chai';
import { readAhead } from '../../src/util/readAhead.js';

/** A source that records what is asked of it: each `next` as it starts, and whether it was closed. */
function recordingSource(items: number[], failAt = -1) {
  const log: string[] = [];
  async function* source(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < items.length; i++) {
        log.push(`read ${i}`);
        await Promise.resolve();
        if (i === failAt) throw new Error(`item ${i} failed`);
        yield items[i]!;
      }
    } finally {
      log.push('closed');
    }
  }
  return { log, source: source() };
}

describe('readAhead', () => {
  it('hands out every item in order, asking for the next before the current one is used', async () => {
    const { log, source } = recordingSource([10, 20, 30]);
    const seen: number[] = [];
    for await (const item of readAhead(source)) {
      log.push(`use ${item}`);
      seen.push(item);
    }
    expect(seen).to.deep.equal([10, 20, 30]);
    // Asking ahead past the last item ends the source before the last item is used.
    expect(log).to.deep.equal(['read 0', 'read 1', 'use 10', 'read 2', 'use 20', 'closed', 'use 30']);
  });

  it('closes the source, after the item in flight, when the consumer breaks', async () => {
    const { log, source } = recordingSource([1, 2, 3, 4]);
    for await (const item of readAhead(source)) {
      if (item === 2) break;
    }
    expect(log).to.deep.equal(['read 0', 'read 1', 'read 2', 'closed']);
  });

  it('closes the source and passes the error on when the consumer throws', async () => {
    const { log, source } = recordingSource([1, 2, 3]);
    let caught: unknown;
    try {
      for await (const item of readAhead(source)) if (item === 1) throw new Error('consumer failed');
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal('consumer failed');
    expect(log.at(-1)).to.equal('closed');
  });

  it('reports a source that fails while its next item is read, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { source } = recordingSource([1, 2, 3], 1);
      let caught: unknown;
      const seen: number[] = [];
      try {
        for await (const item of readAhead(source)) seen.push(item);
      } catch (err) {
        caught = err;
      }
      expect(seen).to.deep.equal([1]);
      expect((caught as Error).message).to.equal('item 1 failed');
      // A consumer still busy with an item when the read ahead of it fails, then stopping, leaves nothing unhandled.
      const second = recordingSource([1, 2, 3], 1);
      for await (const _ of readAhead(second.source)) {
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
