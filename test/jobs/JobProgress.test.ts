import { expect } from 'chai';
import { FRACTION_BEFORE_END, JobProgress } from '../../src/jobs/JobProgress.js';
import { jobKindNamed } from '../../src/jobs/jobKinds.js';
import type { StageProgress } from '../../src/progress/StageProgress.js';

/** A job's estimator on a clock the test moves, and a way to push an update through it as the job layer does. */
function estimator(spec: { kind: string; thumbnails: 'all' | 'none'; maskDir: string | null }) {
  const clock = { ms: 0 };
  // The kind's own plan, for a request with these thumbnails and mask folder.
  const progress = new JobProgress(jobKindNamed(spec.kind).progressPlan(spec as never), { now: () => clock.ms });
  const push = (update: Omit<StageProgress, 'message'>) => {
    const p = { message: '', ...update };
    progress.track(p);
    return progress.figures(p);
  };
  return { clock, progress, push };
}

const INGEST = { kind: 'ingest', thumbnails: 'all', maskDir: null } as const;

describe('JobProgress', () => {
  it("weighs an ingest's file read and its thumbnails (1 to 9), the thumbnails counting once their total is known", () => {
    const { push } = estimator(INGEST);
    // A quarter of the file read: 1 x 0.25 of 10.
    expect(push({ stage: 'images', current: 50, total: null, bytes_read: 250, bytes_total: 1000 }).fraction).to.equal(0.025);
    // Thumbnails made, of a total not known yet: nothing to count.
    expect(push({ stage: 'thumbnails', current: 10, total: null }).fraction).to.equal(0.025);
    expect(push({ stage: 'images', current: 100, total: 100, done: true, bytes_read: 400, bytes_total: 1000 }).fraction).to.equal(0.04);
    // The images array ended: 100 thumbnails in all, 40 made. (1 x 0.4 + 9 x 0.4) / 10.
    expect(push({ stage: 'thumbnails', current: 40, total: 100 }).fraction).to.equal(0.4);
    push({ stage: 'annotations', current: 300, total: 300, done: true, bytes_read: 1000, bytes_total: 1000 });
    // The file read to its end: (1 + 9 x 0.4) / 10, then (1 + 9 x 0.7) / 10.
    expect(push({ stage: 'categories', current: 5, total: 5, done: true }).fraction).to.equal(0.46);
    expect(push({ stage: 'thumbnails', current: 70, total: 100 }).fraction).to.equal(0.73);
  });

  it('never reaches 1 before the job ends, even with every stage done', () => {
    const { push } = estimator(INGEST);
    push({ stage: 'images', current: 3, total: 3, done: true, bytes_read: 90, bytes_total: 100 });
    // A file without annotations never reports them done: the thumbnails' end says the read is over too.
    const last = push({ stage: 'thumbnails', current: 3, total: 3, done: true });
    expect(last.fraction).to.equal(FRACTION_BEFORE_END);
    expect(FRACTION_BEFORE_END).to.be.below(1);
  });

  it('never decreases, whatever order the updates come in', () => {
    const { push } = estimator({ kind: 'predictions', thumbnails: 'none', maskDir: null });
    expect(push({ stage: 'results', current: 10, total: null, bytes_read: 600, bytes_total: 1000 }).fraction).to.equal(0.6);
    // An update held by the throttle and sent late, with fewer bytes.
    expect(push({ stage: 'results', current: 5, total: null, bytes_read: 300, bytes_total: 1000 }).fraction).to.equal(0.6);
  });

  it("leaves out the parts a job will not have, and counts a panoptic file's masks (1, 4 and 9)", () => {
    const none = estimator({ kind: 'ingest', thumbnails: 'none', maskDir: null });
    expect(none.push({ stage: 'images', current: 1, total: null, bytes_read: 50, bytes_total: 100 }).fraction).to.equal(0.5);
    const panoptic = estimator({ kind: 'ingest', thumbnails: 'all', maskDir: '/masks' });
    panoptic.push({ stage: 'images', current: 1, total: null, bytes_read: 70, bytes_total: 100 });
    // (1 x 0.7 + 4 x 0.5) / 14 = 2.7 / 14 = 0.19285…
    expect(panoptic.push({ stage: 'masks', current: 5, total: 10 }).fraction).to.equal(0.1929);
  });

  it("gives an upload's bytes, unpacking and each of its splits their shares (2, 1, then 7 shared evenly)", () => {
    const { push } = estimator({ kind: 'upload', thumbnails: 'all', maskDir: null });
    expect(push({ stage: 'upload', current: 500, total: 1000 }).fraction).to.equal(0.1);
    expect(push({ stage: 'upload', current: 1000, total: 1000, done: true }).fraction).to.equal(0.2);
    expect(push({ stage: 'unpack', current: 5, total: 10 }).fraction).to.equal(0.25);
    expect(push({ stage: 'unpack', current: 10, total: 10, done: true }).fraction).to.equal(0.3);
    // The first of two splits has read half its file: its own fraction is (1 x 0.5) / 10, half of the splits' 7.
    const tagged = { split: 'train', split_index: 0, split_count: 2 };
    expect(push({ stage: 'images', current: 5, total: null, bytes_read: 500, bytes_total: 1000, ...tagged }).fraction).to.equal(0.3175);
    // The second split starts: the first is done, (3 + 7 x 1/2) / 10.
    expect(push({ stage: 'categories', current: 2, total: 2, done: true, split: 'val', split_index: 1, split_count: 2 }).fraction).to.equal(0.65);
    expect(push({ stage: 'thumbnails', current: 4, total: 4, done: true, split: 'val', split_index: 1, split_count: 2 }).fraction).to.equal(
      FRACTION_BEFORE_END,
    );
  });

  it("gives no time left while a part's size is unknown, then the time left at the pace of the last 20 s", () => {
    const { clock, push } = estimator(INGEST);
    clock.ms = 1000;
    // 10 thumbnails made of a total not known yet: no time left to tell.
    expect(push({ stage: 'thumbnails', current: 10, total: null }).eta_seconds).to.equal(null);
    push({ stage: 'images', current: 100, total: 100, done: true, bytes_read: 1000, bytes_total: 1000 });
    push({ stage: 'categories', current: 1, total: 1, done: true });
    push({ stage: 'annotations', current: 100, total: 100, done: true, bytes_read: 1000, bytes_total: 1000 });
    clock.ms = 2000;
    // Every size known now, at 0.1 + 0.9 x 0.2 = 0.28; the pace starts counting here.
    const known = push({ stage: 'thumbnails', current: 20, total: 100 });
    expect(known.fraction).to.equal(0.28);
    expect(known.eta_seconds).to.equal(null);
    clock.ms = 4000;
    // 0.28 -> 0.46 in 2 s: 0.09 a second, 0.54 left: 6 s.
    expect(push({ stage: 'thumbnails', current: 40, total: 100 }).eta_seconds).to.equal(6);
    clock.ms = 5000;
    // 0.46 -> 0.64 in 1 s would say 2 s left; over the window, 0.28 -> 0.64 in 3 s is 0.12 a second: 0.36 / 0.12 = 3 s.
    expect(push({ stage: 'thumbnails', current: 60, total: 100 }).eta_seconds).to.equal(3);
  });

  it("gives each stage its rate, in its own units a second, counted from when the job's stages started", () => {
    const { clock, push } = estimator(INGEST);
    push({ stage: 'images', current: 0, total: null, bytes_read: 0, bytes_total: 1000 });
    clock.ms = 2000;
    // The thumbnail stage's first update: 30 since the job's first update, 2 s ago.
    expect(push({ stage: 'thumbnails', current: 30, total: null }).rate).to.equal(15);
    clock.ms = 4000;
    expect(push({ stage: 'images', current: 200, total: null, bytes_read: 100, bytes_total: 1000 }).rate).to.equal(50);
    // A stage seen once, in its first instant, has no rate yet.
    const fresh = estimator(INGEST);
    expect(fresh.push({ stage: 'categories', current: 3, total: 3, done: true }).rate).to.equal(null);
  });

  it("keeps a waiting job's fraction, with neither time left nor rate", () => {
    const { progress, push } = estimator({ kind: 'upload', thumbnails: 'all', maskDir: null });
    push({ stage: 'upload', current: 1000, total: 1000, done: true });
    expect(progress.waiting()).to.deep.equal({ fraction: 0.2, eta_seconds: null, rate: null });
  });
});
