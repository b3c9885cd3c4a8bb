import { expect } from 'chai';
import fc from 'fast-check';
import { rleFrString } from '../../../src/evaluation/mask/rleFrString.js';
import { rleFromString, rleToString } from '../../../src/formats/panoptic/rle.js';
import { readEvaluationJson } from '../../helpers/evaluationFixture.js';

// pycocotools' mask.encode strings, made by fixtures/evaluation/makeReference.py.
const golden: Record<string, Record<string, string>> = readEvaluationJson('panoptic_golden.json');

describe("rleFrString (maskApi.c's rleFrString into a Uint32Array)", () => {
  it('reads known strings: a continuation group, a negative difference from the fourth count on, a count of zero', () => {
    expect([...rleFrString(':d03@')!]).to.deep.equal([10, 20, 3, 4]);
    expect([...rleFrString('22')!]).to.deep.equal([2, 2]);
    expect([...rleFrString('05')!]).to.deep.equal([0, 5]);
    expect([...rleFrString(golden.strings!['zeros 1000x300']!)!]).to.deep.equal([300000]);
    expect([...rleFrString('')!]).to.deep.equal([]);
  });

  it("gives the runs the panoptic decoder gives for every string pycocotools wrote for the fixture's PNGs", () => {
    const strings = Object.entries(golden).flatMap(([, byId]) => Object.values(byId));
    expect(strings.length).to.be.greaterThan(50);
    for (const text of strings) expect([...rleFrString(text)!]).to.deep.equal(rleFromString(text));
  });

  it('reads back any run lengths written as pycocotools writes them, small, large and decreasing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 28 }), { maxLength: 40 }), (counts) => {
        expect([...rleFrString(rleToString(counts))!]).to.deep.equal(counts);
      }),
    );
  });

  it('refuses a character outside 0-o and a string that ends inside a count', () => {
    expect(rleFrString('2 2')).to.equal(null);
    expect(rleFrString('2p')).to.equal(null);
    expect(rleFrString('2P')).to.equal(null);
  });
});
