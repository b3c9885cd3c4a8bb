/**
 * The hashes of one image, computed where it is decoded for its thumbnail:
 * `content` (SHA-256 of the file's bytes, 64 hex digits) finds exact copies,
 * `perceptual` (a 64-bit DCT pHash, 16 hex digits) near copies. Hex strings,
 * not bigints, because they cross threads and the queue's JSON.
 */
export interface ImageHashes {
  content: string;
  perceptual: string;
}
