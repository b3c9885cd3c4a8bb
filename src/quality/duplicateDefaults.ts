/**
 * The duplicate search's defaults, in one place.
 * - `maxDistance` (3): the largest Hamming distance whose search at 1M images
 *   stays within 10 s under the service's 128 MB memory limit (4 bands of 16
 *   bits: 2.6 s; 4 needs 5 bands of 13 bits, each pairing about eight times as
 *   many unrelated hashes: 25 s). The hashes have 32 bits set each (a median split), so
 *   their distances are even and 3 finds every pair within 2: on 160 real COCO
 *   photos, every resized and WebP copy, all but one JPEG re-encoded at quality 50, most
 *   brightened copies; distinct photos were never closer than 16 (docs/quality.md).
 * - `maxAllowedDistance` (12): the most a request may ask for; past it distinct photos
 *   start to meet and the bands are too narrow for the search to stay fast.
 */
export const DUPLICATE_DEFAULTS = { maxDistance: 3, maxAllowedDistance: 12 } as const;
