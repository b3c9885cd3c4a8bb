import { expect } from 'chai';
import { ProgressThrottle } from '../../src/jobs/ProgressThrottle.js';
import type { StageProgress } from '../../src/progress/StageProgress.js';

const update = (current: number, done = false): StageProgress => ({ stage: 'images', current, total: null, message: '', done });

describe('ProgressThrottle', () => {
  it("sends the first update at once and holds the rest of the interval's updates, keeping the newest", async () => {
    const sent: number[] = [];
    let onSecond!: () => void;
    const second = new Promise<void>((resolve) => (onSecond = resolve));
    const throttle = new ProgressThrottle(
      (p) => {
        sent.push(p.current);
        if (sent.length === 2) onSecond();
      },
      { intervalMs: 50 },
    );
    for (let i = 1; i <= 100; i++) throttle.push(update(i));
    expect(sent).to.deep.equal([1]);
    await second;
    expect(sent).to.deep.equal([1, 100]);
    throttle.close();
  });

  it("always sends a stage's done update at once, dropping the held one it supersedes", () => {
    const sent: StageProgress[] = [];
    const throttle = new ProgressThrottle((p) => sent.push(p), { intervalMs: 60_000 });
    throttle.push(update(1));
    throttle.push(update(2));
    throttle.push(update(3, true));
    throttle.push(update(4));
    expect(sent.map((p) => p.current)).to.deep.equal([1, 3]);
    expect(sent[1]!.done).to.equal(true);
    throttle.close();
  });

  it('throttles each stage on its own', () => {
    const sent: string[] = [];
    const throttle = new ProgressThrottle((p) => sent.push(`${p.stage}:${p.current}`), { intervalMs: 60_000 });
    throttle.push(update(1));
    throttle.push({ stage: 'thumbnails', current: 1, total: null, message: '' });
    throttle.push(update(2));
    expect(sent).to.deep.equal(['images:1', 'thumbnails:1']);
    throttle.flush();
    expect(sent).to.deep.equal(['images:1', 'thumbnails:1', 'images:2']);
    throttle.close();
  });

  it('asks a function interval at every update: a longer one holds updates, and one that shrinks sends the held update sooner', async () => {
    const sent: number[] = [];
    let onThird!: () => void;
    const third = new Promise<void>((resolve) => (onThird = resolve));
    let interval = 3_600_000;
    const throttle = new ProgressThrottle(
      (p) => {
        sent.push(p.current);
        if (p.current === 3) onThird();
      },
      { intervalMs: () => interval },
    );
    throttle.push(update(1));
    throttle.push(update(2));
    expect(sent).to.deep.equal([1]);
    // The watchers left: the update held for an hour goes out now, the newest one in place of 2.
    interval = 0;
    throttle.push(update(3));
    await third;
    expect(sent).to.deep.equal([1, 3]);
    throttle.close();
  });
});
