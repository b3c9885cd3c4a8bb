import { expect } from 'chai';
import { AppError } from '../../../src/errors.js';
import { normalizePanopticRecord } from '../../../src/formats/panoptic/normalizePanopticRecord.js';

describe('normalizePanopticRecord', () => {
  it('names the segment, not only the record, when an entry of segments_info is not an object', () => {
    const record = { image_id: 1, file_name: 'a.png', segments_info: [{ id: 1, category_id: 1 }, [1, 2]] };
    let error: unknown;
    try {
      normalizePanopticRecord(record, 4, 'panoptic.json');
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(AppError);
    expect((error as AppError).message).to.equal('panoptic.json: annotations[4].segments_info[1]: expected an object, got [1,2]');
  });
});
