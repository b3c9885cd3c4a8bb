import { expect } from 'chai';
import { alternate } from '../../bench/alternate.js';

describe('bench: alternate', () => {
  it('runs odd rounds in the order given and even rounds reversed, so no step always follows the same one', async () => {
    const calls: string[] = [];
    const step = (name: string) => async (round: number) => {
      calls.push(`${name}${round}`);
      return `${name} of round ${round}`;
    };
    const results = await alternate(3, { a: step('a'), b: step('b'), c: step('c') });
    expect(calls).to.deep.equal(['a1', 'b1', 'c1', 'c2', 'b2', 'a2', 'a3', 'b3', 'c3']);
    expect(results).to.deep.equal({
      a: ['a of round 1', 'a of round 2', 'a of round 3'],
      b: ['b of round 1', 'b of round 2', 'b of round 3'],
      c: ['c of round 1', 'c of round 2', 'c of round 3'],
    });
  });
});
