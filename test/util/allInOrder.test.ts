import { expect } from 'chai';
import { allInOrder } from '../../src/util/allInOrder.js';

/** A promise and the functions that settle it, so a test decides the order. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('allInOrder', () => {
  it('returns every value in the order given, whatever order they settle in', async () => {
    const first = deferred<string>();
    const second = deferred<number>();
    const all = allInOrder([first.promise, second.promise, null]);
    second.resolve(2);
    first.resolve('one');
    expect(await all).to.deep.equal(['one', 2, null]);
  });

  it('throws the first rejection in the order given, not the first to happen', async () => {
    const first = deferred<void>();
    const second = deferred<void>();
    const all = allInOrder([first.promise, second.promise]);
    second.reject(new Error('second'));
    first.reject(new Error('first'));
    let thrown: unknown;
    try {
      await all;
    } catch (err) {
      thrown = err;
    }
    expect((thrown as Error).message).to.equal('first');
  });

  it('answers only once every promise has settled, so nothing it started is still running', async () => {
    const failing = deferred<void>();
    const slow = deferred<string>();
    let settled = false;
    const all = allInOrder([failing.promise, slow.promise]).catch((err: Error) => {
      settled = true;
      return err.message;
    });
    failing.reject(new Error('failed'));
    // A turn of the microtask queue for allInOrder to have settled, had it not waited for the slow one.
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).to.equal(false);
    slow.resolve('done');
    expect(await all).to.equal('failed');
    expect(settled).to.equal(true);
  });
});
