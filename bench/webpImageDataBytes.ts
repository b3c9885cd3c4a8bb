/** The chunks of a WebP file that hold the picture itself: lossy or lossless bitstream, alpha, animation frames. */
const IMAGE_CHUNKS: ReadonlySet<string> = new Set(['VP8 ', 'VP8L', 'ALPH', 'ANMF']);

/**
 * Bytes of image data in a WebP file: the payloads of its picture chunks,
 * leaving out the RIFF header, `VP8X` and metadata chunks (`EXIF`, `ICCP`,
 * `XMP `), so that two encoders' files compare on what they encoded alone.
 * @throws when `file` is not a RIFF/WEBP container.
 */
export function webpImageDataBytes(file: Buffer): number {
  if (file.length < 12 || file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WEBP') {
    throw new Error('not a WebP file (no RIFF/WEBP header)');
  }
  let bytes = 0;
  // Chunks: a 4-byte tag, a 4-byte little-endian size, the payload, padded to an even length.
  for (let at = 12; at + 8 <= file.length; ) {
    const tag = file.toString('latin1', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    if (IMAGE_CHUNKS.has(tag)) bytes += size;
    at += 8 + size + (size % 2);
  }
  return bytes;
}
