import { expect } from 'chai';
import { memberText } from '../../src/formats/memberText.js';

function find(json: string, key = 'segmentation'): string | null {
  const buffer = Buffer.from(`xx${json}yy`);
  return memberText(buffer, 2, buffer.length - 2, key);
}

describe('memberText', () => {
  it('returns a member’s JSON text exactly as it lies in the object', () => {
    expect(find('{"segmentation": [[1.5, 2,3]], "id": 4}')).to.equal('[[1.5, 2,3]]');
    expect(find('{"id":4,"segmentation":{"counts":"a]b}\\"c","size":[2,2]}}')).to.equal('{"counts":"a]b}\\"c","size":[2,2]}');
    expect(find('{ "area" : 1 , "segmentation" :\n 7 }')).to.equal('7');
    expect(find('{"segmentation":"é"}')).to.equal('"é"');
  });

  it('takes the last of duplicate members, as JSON.parse does', () => {
    const text = '{"segmentation": [1], "segmentation": [2]}';
    expect(find(text)).to.equal(JSON.stringify((JSON.parse(text) as { segmentation: unknown }).segmentation));
  });

  it('ignores the name inside nested objects, arrays and string values', () => {
    expect(find('{"extra": {"segmentation": [9]}, "note": "\\"segmentation\\": [8]", "list": ["segmentation"]}')).to.equal(null);
    expect(find('{"extra": {"segmentation": [9]}, "segmentation": [1]}')).to.equal('[1]');
  });

  it('gives up on escaped keys, which only a parser can compare', () => {
    expect(find('{"segm\\u0065ntation": [1]}')).to.equal(null);
  });
});
