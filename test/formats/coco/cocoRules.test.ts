import { expect } from 'chai';
import { duplicateAnnotationId, duplicateImageId, unknownImage } from '../../../src/formats/coco/cocoRules.js';

const scope = { file: 'instances.json', knownCategories: new Set([1]), fileCategories: 1 };

describe('COCO whole-file rules', () => {
  it('look for duplicate ids only in a table whose ids did not rise strictly in file order', () => {
    expect(duplicateAnnotationId.violations({ ...scope, risingIds: new Set(['annotations']) })).to.equal(null);
    expect(duplicateImageId.violations({ ...scope, risingIds: new Set(['samples']) })).to.equal(null);
    // Rising image ids say nothing of the annotations', and no knowledge means a search.
    expect(duplicateAnnotationId.violations({ ...scope, risingIds: new Set(['samples']) })).to.match(/GROUP BY coco_id HAVING count\(\*\) > 1/);
    expect(duplicateImageId.violations(scope)).to.match(/FROM samples x/);
  });

  it('check every annotation for its image whatever order the ids came in', () => {
    expect(unknownImage.violations({ ...scope, risingIds: new Set(['samples', 'annotations']) })).to.match(/NOT EXISTS/);
  });
});
