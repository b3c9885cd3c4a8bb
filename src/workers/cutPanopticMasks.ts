import type { OutputInfo } from 'sharp';
import { encodeSegments, rleToString } from '../formats/panoptic/rle.js';
import { loadSharp } from './loadSharp.js';
import type { MaskResult, MaskTask } from './messages.js';
import { ImageFailure, readSource, sourceName } from './readSource.js';

/**
 * Cuts every listed segment of a panoptic PNG into COCO's compressed RLE, in
 * one decode and one pass over the pixels. A PNG that cannot be read or decoded,
 * or whose size is not its image's, fails whole; segments whose pixel count
 * differs from `segments_info` are the caller's to judge (the counts come back).
 */
export async function cutPanopticMasks(task: MaskTask): Promise<MaskResult> {
  const name = sourceName(task.source);
  let bytes: Uint8Array;
  try {
    bytes = await readSource(task.source, name, task.maxPixels);
  } catch (err) {
    if (!(err instanceof ImageFailure)) throw err;
    if (err.code === 'IMAGE_MISSING') return { ok: false, code: 'MASK_MISSING', message: err.message };
    if (err.code === 'IMAGE_REFUSED' || err.code === 'IMAGE_TOO_LARGE') return { ok: false, code: err.code, message: err.message };
    return { ok: false, code: 'MASK_UNDECODABLE', message: err.message };
  }
  const sharp = await loadSharp();
  let data: Buffer;
  let info: OutputInfo;
  try {
    // Three channels whatever the PNG holds (palette, grey, alpha): the colour is the segment id.
    ({ data, info } = await sharp(bytes, { limitInputPixels: task.maxPixels, failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true }));
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n', 1)[0]!.slice(0, 200);
    return { ok: false, code: 'MASK_UNDECODABLE', message: `${name}: cannot be decoded (${message})` };
  }
  if (info.channels !== 3) return { ok: false, code: 'MASK_UNDECODABLE', message: `${name}: has ${info.channels} channels, not RGB` };
  if ((task.width !== null && task.width !== info.width) || (task.height !== null && task.height !== info.height)) {
    return {
      ok: false,
      code: 'MASK_SIZE_MISMATCH',
      message: `${name}: is ${info.width}x${info.height}, its image ${task.width ?? '?'}x${task.height ?? '?'}`,
    };
  }
  const { counts, areas } = encodeSegments(data, info.width, info.height, task.segmentIds);
  return {
    ok: true,
    width: info.width,
    height: info.height,
    masks: counts.map((runs, k) => ({ counts: rleToString(runs), area: areas[k]! })),
  };
}
