import { expect } from 'chai';
import { parseGsUrl } from '../../src/storage/gsUrl.js';

describe('parseGsUrl', () => {
  it('splits a gs:// URL into bucket and object name', () => {
    expect(parseGsUrl('gs://my-bucket/coco/train2017/0001.jpg')).to.deep.equal({ bucket: 'my-bucket', name: 'coco/train2017/0001.jpg' });
    expect(parseGsUrl('gs://my-bucket')).to.deep.equal({ bucket: 'my-bucket', name: '' });
    expect(parseGsUrl('gs://my-bucket/coco/')).to.deep.equal({ bucket: 'my-bucket', name: 'coco/' });
  });

  it('returns null for anything else', () => {
    expect(parseGsUrl('/data/coco')).to.equal(null);
    expect(parseGsUrl('s3://bucket/x')).to.equal(null);
  });

  it('refuses bad bucket names and names with empty, "." or ".." segments', () => {
    expect(() => parseGsUrl('gs://UPPER/x')).to.throw(RangeError, /not a valid bucket name/);
    expect(() => parseGsUrl('gs:///x')).to.throw(RangeError, /not a valid bucket name/);
    expect(() => parseGsUrl('gs://bucket/a/../b')).to.throw(RangeError, /segment/);
    expect(() => parseGsUrl('gs://bucket/a//b')).to.throw(RangeError, /segment/);
    expect(() => parseGsUrl('gs://bucket/a\nb')).to.throw(RangeError, /control characters/);
  });
});
