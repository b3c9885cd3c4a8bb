import { getEventListeners } from 'node:events';
import { setTimeout as holdFor } from 'node:timers/promises';
import { expect } from 'chai';
import { AppError } from '../../src/errors.js';
import { type ReadAttempt, resumeReads } from '../../src/storage/resumeReads.js';
import { StallError } from '../../src/storage/StallError.js';

/** An error as the HTTP client reports a connection reset. */
const reset = () => Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });

/** Waits until the attempt is aborted, then fails with an error of its own, not the abort's reason (as some clients and stream pipelines do). */
function silence(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('This operation was aborted')), { once: true }));
}

async function collect(read: AsyncIterable<Buffer>): Promise<string> {
  let text = '';
  for await (const chunk of read) text += chunk.toString();
  return text;
}

/** A recover that must not be reached. */
const never = (failure: unknown): number => {
  throw new Error(`recover was asked about ${String(failure)}`);
};

/** An attempt that fails before its answer, with the error `make` gives. */
function failing(make: () => unknown): () => AsyncGenerator<Buffer> {
  // biome-ignore lint/correctness/useYield: an attempt that fails before its answer.
  return async function* () {
    throw make();
  };
}

/** An attempt that answers "ab" then "cd", counting its calls. */
function answering(calls: { n: number }): () => AsyncGenerator<Buffer> {
  return async function* () {
    calls.n++;
    yield Buffer.from('ab');
    yield Buffer.from('cd');
  };
}

describe('resumeReads', () => {
  it('starts each attempt at the byte the last one reached, and tells recover whether it brought any', async () => {
    const offsets: number[] = [];
    const recovered: [string, boolean][] = [];
    const text = await collect(
      resumeReads({
        start: 10,
        stallTimeoutMs: 5_000,
        attempt: async function* (at: ReadAttempt) {
          offsets.push(at.offset);
          if (offsets.length === 1) {
            yield Buffer.from('abc');
            throw reset();
          }
          if (offsets.length === 2) throw reset();
          yield Buffer.from('def');
        },
        recover: (failure, progressed) => {
          recovered.push([(failure as Error).message, progressed]);
          return 0;
        },
      }),
    );
    expect(text).to.equal('abcdef');
    expect(offsets).to.deep.equal([10, 13, 13]);
    expect(recovered).to.deep.equal([
      ['other side closed', true],
      ['other side closed', false],
    ]);
  });

  it('aborts an attempt that stays silent past the stall timeout and hands recover a StallError, not the error the abort caused', async () => {
    let attempts = 0;
    let failure: unknown;
    const text = await collect(
      resumeReads({
        start: 0,
        stallTimeoutMs: 20,
        attempt: async function* (at: ReadAttempt) {
          attempts++;
          yield Buffer.from(attempts === 1 ? 'ab' : 'cd');
          if (attempts === 1) await silence(at.signal);
        },
        recover: (caught) => {
          failure = caught;
          return 0;
        },
      }),
    );
    expect(text).to.equal('abcd');
    expect(failure).to.be.instanceOf(StallError);
    expect((failure as Error).message).to.equal('no data for 20 ms');
  });

  it('does not count the time its consumer holds a chunk as silence', async () => {
    const attempts = { n: 0 };
    const read = resumeReads({
      start: 0,
      stallTimeoutMs: 20,
      attempt: answering(attempts),
      recover: never,
    });
    let text = '';
    for await (const chunk of read) {
      text += chunk.toString();
      // A consumer five times slower than the stall timeout (a parser waiting on the pool): the attempt must live on.
      await holdFor(100);
    }
    expect(text).to.equal('abcd');
    expect(attempts.n).to.equal(1);
  });

  it('ends the read with the error recover throws, and with an AppError from an attempt without asking recover', async () => {
    const givenUp = new Error('gave up after 4 tries');
    const tries = resumeReads({
      start: 0,
      stallTimeoutMs: 5_000,
      attempt: failing(() => reset()),
      recover: () => {
        throw givenUp;
      },
    });
    expect(await collect(tries).catch((err: unknown) => err)).to.equal(givenUp);

    const refused = new AppError('OBJECT_NOT_FOUND', 'http://example.test/a.jpg: not found');
    const read = resumeReads({
      start: 0,
      stallTimeoutMs: 5_000,
      attempt: failing(() => refused),
      recover: never,
    });
    expect(await collect(read).catch((err: unknown) => err)).to.equal(refused);
  });

  it('ends with the caller’s reason when the caller aborts during an attempt, without asking recover', async () => {
    const caller = new AbortController();
    const reason = new Error('job cancelled');
    const read = resumeReads({
      start: 0,
      stallTimeoutMs: 5_000,
      signal: caller.signal,
      attempt: async function* (at: ReadAttempt) {
        yield Buffer.from('ab');
        queueMicrotask(() => caller.abort(reason));
        await silence(at.signal);
      },
      recover: never,
    });
    expect(await collect(read).catch((err: unknown) => err)).to.equal(reason);
  });

  it('ends with the caller’s reason when the caller aborts during the wait between attempts', async () => {
    const caller = new AbortController();
    const reason = new Error('job cancelled');
    let waits = 0;
    const read = resumeReads({
      start: 0,
      stallTimeoutMs: 5_000,
      signal: caller.signal,
      attempt: failing(() => reset()),
      recover: () => {
        waits++;
        queueMicrotask(() => caller.abort(reason));
        // A wait far longer than the test's timeout: only the abort can end it.
        return 3_600_000;
      },
    });
    expect(await collect(read).catch((err: unknown) => err)).to.equal(reason);
    expect(waits).to.equal(1);
  });

  it('leaves no listener on the caller’s signal, whether the read ends, fails or is left early, and closes the attempt it leaves', async () => {
    const caller = new AbortController();
    const { signal } = caller;
    const listeners = () => getEventListeners(signal, 'abort').length;
    let duringAttempt = 0;
    const whole = async function* () {
      duringAttempt = listeners();
      yield Buffer.from('ab');
    };
    expect(await collect(resumeReads({ start: 0, stallTimeoutMs: 5_000, signal, attempt: whole, recover: never }))).to.equal('ab');
    expect(duringAttempt, 'the attempt is tied to the caller’s signal while it runs').to.equal(1);
    expect(listeners()).to.equal(0);

    const gaveUp = resumeReads({
      start: 0,
      stallTimeoutMs: 5_000,
      signal,
      attempt: failing(() => reset()),
      recover: () => {
        throw new Error('gave up');
      },
    });
    await collect(gaveUp).catch(() => undefined);
    expect(listeners()).to.equal(0);

    let closed = false;
    const endless = async function* () {
      try {
        for (;;) yield Buffer.from('x');
      } finally {
        closed = true;
      }
    };
    for await (const _ of resumeReads({ start: 0, stallTimeoutMs: 5_000, signal, attempt: endless, recover: never })) break;
    expect(closed).to.equal(true);
    expect(listeners()).to.equal(0);
  });

  it('ends at once with an error its consumer throws in, without another attempt', async () => {
    const attempts = { n: 0 };
    const read = resumeReads({
      start: 0,
      stallTimeoutMs: 5_000,
      attempt: answering(attempts),
      recover: () => 0,
    });
    await read.next();
    // What `Readable.from` does when its stream is destroyed with an error.
    const destroyed = new Error('stream destroyed');
    expect(await read.throw(destroyed).catch((err: unknown) => err)).to.equal(destroyed);
    expect(attempts.n).to.equal(1);
  });
});
