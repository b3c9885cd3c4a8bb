import { expect } from 'chai';
import sharp from 'sharp';
import { webpImageDataBytes } from '../../bench/webpImageDataBytes.js';

/** A RIFF/WEBP container of the given chunks, each `[tag, payload length]` (payload zeros, odd ones padded). */
function riff(chunks: [string, number][]): Buffer {
  const parts = chunks.map(([tag, length]) => {
    const header = Buffer.alloc(8);
    header.write(tag, 0, 'latin1');
    header.writeUInt32LE(length, 4);
    return Buffer.concat([header, Buffer.alloc(length + (length % 2))]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + body.length, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, body]);
}

describe('bench: WebP image data bytes', () => {
  it('counts the picture chunks and leaves out VP8X, EXIF and ICC', () => {
    // VP8X 10 + ICCP 101 (padded to 102) + VP8 4,321 (padded) + EXIF 186: image data is 4,321.
    expect(
      webpImageDataBytes(
        riff([
          ['VP8X', 10],
          ['ICCP', 101],
          ['VP8 ', 4321],
          ['EXIF', 186],
        ]),
      ),
    ).to.equal(4321);
  });

  it("gives a plain lossy file's VP8 payload: its size less the 20 bytes of headers", async () => {
    // A file of RIFF (12) + one VP8 chunk header (8) + payload, as sharp writes without metadata.
    const webp = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
      .webp({ quality: 80 })
      .toBuffer();
    expect(webp.toString('latin1', 12, 16)).to.equal('VP8 ');
    expect(webpImageDataBytes(webp)).to.equal(webp.readUInt32LE(16));
    expect(webpImageDataBytes(webp)).to.be.within(webp.length - 21, webp.length - 20);
  });

  it('refuses what is not WebP', () => {
    expect(() => webpImageDataBytes(Buffer.from('GIF89a......'))).to.throw(/not a WebP file/);
  });
});
