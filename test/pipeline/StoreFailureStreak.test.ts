import { expect } from 'chai';
import { StoreFailureStreak } from '../../src/pipeline/StoreFailureStreak.js';

const storeFailed = { ok: false as const, message: 'a.jpg: cannot be read (503)', storeFailed: true };
const imageFailed = { ok: false as const, message: 'b.jpg: not an image' };
const read = { ok: true as const };

describe('StoreFailureStreak', () => {
  it('gives IMAGE_SOURCE_UNAVAILABLE at the third store failure in a row with a limit of 3, naming the source and the last failure', () => {
    const streak = new StoreFailureStreak(3);
    expect(streak.record(storeFailed, 'gs://bucket/images')).to.equal(null);
    expect(streak.record(storeFailed, 'gs://bucket/images')).to.equal(null);
    const error = streak.record(storeFailed, 'gs://bucket/images');
    expect(error).to.include({ code: 'IMAGE_SOURCE_UNAVAILABLE' });
    expect(error!.message).to.equal('3 images in a row could not be read from gs://bucket/images; the last: a.jpg: cannot be read (503)');
  });

  it('starts the count again after an image that reads, or one that fails by itself', () => {
    const streak = new StoreFailureStreak(2);
    for (const between of [read, imageFailed]) {
      expect(streak.record(storeFailed, 'dir')).to.equal(null);
      expect(streak.record(between, 'dir')).to.equal(null);
    }
    expect(streak.record(storeFailed, 'dir')).to.equal(null);
    expect(streak.record(storeFailed, 'dir')).to.not.equal(null);
  });

  it('allows 32 in a row by default', () => {
    const streak = new StoreFailureStreak();
    for (let i = 1; i < 32; i++) expect(streak.record(storeFailed, 'dir'), `failure ${i}`).to.equal(null);
    expect(streak.record(storeFailed, 'dir')).to.not.equal(null);
  });
});
