import { expect } from 'chai';
import { inlineStrings, STRING_T_BYTES } from '../../../src/db/tables/inlineStrings.js';

describe('inlineStrings', () => {
  it('lays out each row as a string_t: its length (32 bits, little-endian), then its bytes, zero-padded to 16', () => {
    const bytes = inlineStrings(['tp', null, 'ignored'], 3);
    expect(bytes).to.not.equal(null);
    const expected = new Uint8Array(3 * STRING_T_BYTES);
    expected.set([2, 0, 0, 0, 0x74, 0x70], 0);
    // Row 1 is NULL: zeros.
    expected.set([7, 0, 0, 0, ...Buffer.from('ignored')], 32);
    expect([...bytes!]).to.deep.equal([...expected]);
  });

  it('declines a column with a string longer than 12 bytes, one that is not ASCII, or more than 32 distinct values', () => {
    expect(inlineStrings(['tp', 'thirteen-char'], 2)).to.equal(null);
    expect(inlineStrings(['déjà'], 1)).to.equal(null);
    const many = Array.from({ length: 33 }, (_, i) => `v${i}`);
    expect(inlineStrings(many, 33)).to.equal(null);
    expect(inlineStrings(many, 32)).to.not.equal(null);
  });

  it('reads only the rows asked for', () => {
    expect(inlineStrings(['tp', 'thirteen-char'], 1)).to.not.equal(null);
  });
});
