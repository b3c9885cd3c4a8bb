import { buffer } from 'node:stream/consumers';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { decoderFor } from '../../src/storage/decoderFor.js';

const TEXT = Buffer.from('{"images": [], "annotations": []}');

async function decoded(encoding: string, bytes: Buffer): Promise<Buffer> {
  const decoder = decoderFor(encoding, 'https://example.org/a.json')!;
  decoder.end(bytes);
  return buffer(decoder);
}

describe('decoderFor', () => {
  it('decodes gzip, deflate and br, whatever the header’s case and spacing', async () => {
    expect((await decoded('gzip', gzipSync(TEXT))).equals(TEXT)).to.equal(true);
    expect((await decoded(' GZIP ', gzipSync(TEXT))).equals(TEXT)).to.equal(true);
    expect((await decoded('x-gzip', gzipSync(TEXT))).equals(TEXT)).to.equal(true);
    expect((await decoded('deflate', deflateSync(TEXT))).equals(TEXT)).to.equal(true);
    expect((await decoded('br', brotliCompressSync(TEXT))).equals(TEXT)).to.equal(true);
  });

  it('leaves an answer without an encoding, or identity, as it is', () => {
    expect(decoderFor(null, 'https://example.org/a.json')).to.equal(null);
    expect(decoderFor('identity', 'https://example.org/a.json')).to.equal(null);
  });

  it('refuses an encoding it cannot decode, naming the URL and the encoding', () => {
    expect(() => decoderFor('zstd', 'https://example.org/a.json'))
      .to.throw()
      .that.includes({
        code: 'OBJECT_READ_FAILED',
        message: 'https://example.org/a.json: the server sent it with Content-Encoding zstd, which cannot be decoded',
      });
  });
});
