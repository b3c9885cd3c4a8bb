import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { decodeMask, encodeMask, encodeSegments, rleFromString, rleToString } from '../../../src/formats/panoptic/rle.js';
import { EVALUATION_DIR, readEvaluationJson } from '../../helpers/evaluationFixture.js';

// pycocotools' mask.encode strings, made by fixtures/evaluation/makeReference.py.
const golden: Record<string, Record<string, string>> = readEvaluationJson('panoptic_golden.json');
const PNG_DIR = path.join(EVALUATION_DIR, '..', 'coco-sample', 'annotations', 'panoptic_val');

describe('COCO RLE (as pycocotools encodes it)', () => {
  it('writes known run lengths as the strings maskApi.c gives, the fourth count on as a difference', () => {
    expect(rleToString([2, 2])).to.equal('22');
    // 20 needs a continuation group ("d0"); the fourth count is 4 - 20 = -16, one group with its sign bit ("@").
    expect(rleToString([10, 20, 3, 4])).to.equal(':d03@');
    expect(rleToString([0, 5])).to.equal('05');
    expect(rleToString([300000]), 'pycocotools: 1000x300 zeros').to.equal(golden.strings!['zeros 1000x300']);
    expect(rleToString([0, 6, 3]), 'pycocotools: ones then zeros').to.equal(golden.strings!['ones 3x2 then zeros 3x1']);
  });

  it("cuts every segment of the fixture's panoptic PNGs into the strings pycocotools' mask.encode gives", async () => {
    const files = Object.keys(golden).filter((name) => name.endsWith('.png'));
    expect(files).to.have.length(13);
    for (const name of files) {
      const file = name === 'panoptic_long.png' ? path.join(EVALUATION_DIR, name) : path.join(PNG_DIR, name);
      const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
      const ids = Object.keys(golden[name]!).map(Number);
      const { counts } = encodeSegments(new Uint8Array(data), info.width, info.height, ids);
      ids.forEach((id, k) => {
        expect(rleToString(counts[k]!), `${name} segment ${id}`).to.equal(golden[name]![String(id)]);
        expect(rleFromString(golden[name]![String(id)]!), `${name} segment ${id}`).to.deep.equal(counts[k]);
      });
    }
  });

  it('reads back what it writes, for small, large and decreasing counts', () => {
    for (const counts of [[2, 2], [10, 20, 3, 4], [0, 1, 0, 1], [307200], [5, 100000, 3, 99990, 1, 2, 70000, 1]]) {
      expect(rleFromString(rleToString(counts))).to.deep.equal(counts);
    }
  });

  it('encodes a mask column by column, starting with a run of zeros', () => {
    // 2 rows x 3 columns: [[0, 1, 1], [1, 1, 0]] -> column-major 0,1 | 1,1 | 1,0
    const columnMajor = [0, 1, 1, 1, 1, 0];
    expect(encodeMask(columnMajor)).to.deep.equal([1, 4, 1]);
    expect([...decodeMask([1, 4, 1], 2, 3)]).to.deep.equal(columnMajor);
    expect(encodeMask([1, 1])).to.deep.equal([0, 2]);
  });

  it('cuts every segment of a panoptic PNG in one pass, equal to a mask per colour', () => {
    const width = 5;
    const height = 4;
    const ids = [0, 7, 7, 300, 300, 0, 7, 65536 * 2 + 1, 300, 300, 0, 0, 7, 7, 0, 65536 * 2 + 1, 7, 7, 7, 0];
    const rgb = new Uint8Array(width * height * 3);
    ids.forEach((id, p) => rgb.set([id & 0xff, (id >> 8) & 0xff, (id >> 16) & 0xff], p * 3));
    const segments = [7, 300, 65536 * 2 + 1, 99];
    const { counts, areas } = encodeSegments(rgb, width, height, segments);
    segments.forEach((id, k) => {
      const columnMajor: number[] = [];
      for (let x = 0; x < width; x++) for (let y = 0; y < height; y++) columnMajor.push(ids[y * width + x] === id ? 1 : 0);
      expect(counts[k], `segment ${id}`).to.deep.equal(encodeMask(columnMajor));
      expect(areas[k]).to.equal(ids.filter((v) => v === id).length);
    });
    expect(counts[3]).to.deep.equal([20]);
  });

  it('refuses a string cut in the middle of a count or with characters outside its alphabet', () => {
    expect(() => rleFromString('d')).to.throw(RangeError, /ends in the middle/);
    expect(() => rleFromString('2~')).to.throw(RangeError, /outside/);
  });
});
