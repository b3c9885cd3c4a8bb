import { expect } from 'chai';
import { workerPoolShape } from '../../src/workers/workerPoolShape.js';

describe('workerPoolShape', () => {
  it('keeps one image in flight with WORKERS=1, in one thread', () => {
    expect(workerPoolShape(1, 8)).to.deep.equal({ workers: 1, tasksPerWorker: 1 });
  });

  it('uses no more threads than cores and shares the images between them', () => {
    expect(workerPoolShape(8, 2)).to.deep.equal({ workers: 2, tasksPerWorker: 4 });
    expect(workerPoolShape(3, 2)).to.deep.equal({ workers: 2, tasksPerWorker: 2 });
    expect(workerPoolShape(4, 16)).to.deep.equal({ workers: 4, tasksPerWorker: 1 });
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => workerPoolShape(0, 2)).to.throw(RangeError, 'positive integer');
  });
});
