import { expect } from 'chai';
import { BucketGuard } from '../../src/storage/BucketGuard.js';

describe('BucketGuard', () => {
  const guard = new BucketGuard(['gs://datasets/coco/', 'gs://open-bucket']);

  it('admits objects under a root prefix, and the prefix itself', () => {
    expect(guard.contains('gs://datasets/coco')).to.equal(true);
    expect(guard.contains('gs://datasets/coco/train2017/000000000009.jpg')).to.equal(true);
  });

  it('compares whole segments, so a sibling that shares the prefix’s letters is outside', () => {
    expect(guard.contains('gs://datasets/coco-private/x.jpg')).to.equal(false);
    expect(guard.contains('gs://datasets/cocoa')).to.equal(false);
  });

  it('admits a whole bucket given without a prefix, and nothing of other buckets', () => {
    expect(guard.contains('gs://open-bucket/any/thing.json')).to.equal(true);
    expect(guard.contains('gs://datasets/other/x.jpg')).to.equal(false);
    expect(guard.contains('gs://datasets-2/coco/x.jpg')).to.equal(false);
  });

  it('refuses what is not a gs:// URL, and throws for a malformed one', () => {
    expect(guard.contains('/datasets/coco/x.jpg')).to.equal(false);
    expect(() => guard.contains('gs://datasets/coco/../secret')).to.throw(RangeError, /".." segment/);
  });

  it('refuses every gs:// path when no gs:// root is configured', () => {
    expect(new BucketGuard([]).contains('gs://datasets/coco/x.jpg')).to.equal(false);
  });
});
