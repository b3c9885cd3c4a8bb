import { expect } from 'chai';
import { answerBytes } from '../../src/storage/answerBytes.js';

async function* chunksOf(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

async function collect(parts: string[], at: { partial: boolean; offset: number; end: number | null }): Promise<{ chunks: string[]; arrivals: number }> {
  let arrivals = 0;
  const chunks: string[] = [];
  const attempt = { offset: at.offset, onArrival: () => arrivals++ };
  for await (const chunk of answerBytes(chunksOf(...parts), attempt, { partial: at.partial, end: at.end })) chunks.push(chunk.toString());
  return { chunks, arrivals };
}

describe('answerBytes', () => {
  it('passes an answer that starts where the read is through as it comes', async () => {
    expect(await collect(['abc', 'def'], { partial: true, offset: 0, end: null })).to.deep.equal({ chunks: ['abc', 'def'], arrivals: 2 });
  });

  it('drops the bytes that come again, across chunks, and counts every chunk that arrives', async () => {
    // A whole answer to a read resumed at byte 4: "abcd" came before.
    expect(await collect(['ab', 'cd', 'efg', 'h'], { partial: false, offset: 4, end: null })).to.deep.equal({ chunks: ['efg', 'h'], arrivals: 4 });
    expect(await collect(['abc', 'def'], { partial: false, offset: 4, end: null })).to.deep.equal({ chunks: ['ef'], arrivals: 2 });
  });

  it('cuts the answer at the range’s last byte and stops reading there', async () => {
    // Bytes 2 to 5 of "abcdefgh", from a server that ignores ranges: "cdef".
    expect(await collect(['abcdefgh', 'ijk'], { partial: false, offset: 2, end: 5 })).to.deep.equal({ chunks: ['cdef'], arrivals: 1 });
    // A ranged answer that runs past its end.
    expect(await collect(['cd', 'efgh'], { partial: true, offset: 2, end: 5 })).to.deep.equal({ chunks: ['cd', 'ef'], arrivals: 2 });
  });
});
