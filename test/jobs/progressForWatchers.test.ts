import { expect } from 'chai';
import { pino } from 'pino';
import { Job } from '../../src/jobs/Job.js';
import type { JobContext } from '../../src/jobs/JobKind.js';
import { JobScheduler } from '../../src/jobs/JobScheduler.js';
import { hashJob } from '../../src/jobs/kinds/hashJob.js';

const update = (current: number) => ({ stage: 'hashes' as const, current, total: 100, message: `${current} of 100` });
const progressCurrents = (job: Job) =>
  job.events
    .since(0)
    .filter((e) => e.event === 'progress')
    .map((e) => e.data.current);

describe("JobScheduler's progress events and the job's watchers", () => {
  // progressFor reads nothing of the context but its logger; the scheduler is not started.
  const context = { log: pino({ level: 'silent' }) } as unknown as JobContext;

  it('sends every update of a stage nobody watches once its least interval has passed', () => {
    const scheduler = new JobScheduler(context, { progressIntervalMs: 0, progressWritesPerSecond: 1000 });
    const job = new Job('unwatched', hashJob, { kind: 'hash', datasetId: 1 });
    const progress = scheduler.progressFor(job);
    progress.push(update(1));
    progress.push(update(2));
    expect(progressCurrents(job)).to.deep.equal([1, 2]);
    progress.close();
  });

  it('holds a crowded stage’s updates for as long as its watchers’ writes allow, and lets them go once the crowd leaves', async () => {
    const scheduler = new JobScheduler(context, { progressIntervalMs: 0, progressWritesPerSecond: 10 });
    const job = new Job('crowded', hashJob, { kind: 'hash', datasetId: 1 });
    const progress = scheduler.progressFor(job);
    progress.push(update(1));
    // 36,000 watchers at ten writes a second: one update an hour.
    const leave: (() => void)[] = [];
    for (let i = 0; i < 36_000; i++) leave.push(job.events.subscribe(() => undefined, job.events.lastId));
    progress.push(update(2));
    expect(progressCurrents(job)).to.deep.equal([1]);
    // One watcher stays (an update every 100 ms), and hears the held update as soon as the others have gone.
    for (const unsubscribe of leave) unsubscribe();
    const heard = new Promise<number>((resolve) => job.events.subscribe((e) => resolve(e.data.current as number), job.events.lastId));
    progress.push(update(3));
    expect(await heard).to.equal(3);
    expect(progressCurrents(job)).to.deep.equal([1, 3]);
    progress.close();
  });

  it('refuses a write budget that is not a positive number', () => {
    for (const progressWritesPerSecond of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new JobScheduler(context, { progressWritesPerSecond }), String(progressWritesPerSecond)).to.throw(RangeError, /progressWritesPerSecond/);
    }
  });
});
