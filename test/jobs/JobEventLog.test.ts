import { expect } from 'chai';
import { JobEventLog } from '../../src/jobs/JobEventLog.js';

describe('JobEventLog', () => {
  it('numbers events from 1 and replays those after a given id', () => {
    const log = new JobEventLog();
    for (let i = 0; i < 5; i++) log.append('progress', { stage: 'images', current: i, total: null, message: '' });
    expect(log.since(0).map((e) => e.id)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(log.since(3).map((e) => e.id)).to.deep.equal([4, 5]);
  });

  it('resolves finished on the terminal event and takes nothing after it', async () => {
    const log = new JobEventLog();
    log.append('progress', { stage: 'images', current: 1, total: null, message: '' });
    log.append('complete', { stage: 'complete', current: 1, total: 1, message: 'done' });
    expect(log.append('progress', { stage: 'images', current: 2, total: null, message: '' })).to.equal(null);
    const terminal = await log.finished;
    expect(terminal.event).to.equal('complete');
    expect(log.lastId).to.equal(2);
  });

  it('evicts the oldest progress events past its limit, keeping the others', () => {
    const log = new JobEventLog({ limit: 3 });
    log.append('warning', { stage: 'plugins', current: 0, total: null, message: 'w' });
    for (let i = 0; i < 5; i++) log.append('progress', { stage: 'images', current: i, total: null, message: '' });
    const kept = log.since(0);
    expect(kept).to.have.length(3);
    expect(kept[0]!.event).to.equal('warning');
    expect(kept.map((e) => e.id)).to.deep.equal([1, 5, 6]);
  });

  it('hands a subscriber the kept events after its last id, then each new one, with no gap between', () => {
    const log = new JobEventLog();
    log.append('progress', { stage: 'images', current: 1, total: null, message: '' });
    log.append('progress', { stage: 'images', current: 2, total: null, message: '' });
    const seen: number[] = [];
    const unsubscribe = log.subscribe((e) => seen.push(e.id), 1);
    expect(seen).to.deep.equal([2]);
    log.append('warning', { stage: 'plugins', current: 0, total: null, message: 'w' });
    expect(seen).to.deep.equal([2, 3]);
    unsubscribe();
    log.append('progress', { stage: 'images', current: 3, total: null, message: '' });
    expect(seen).to.deep.equal([2, 3]);
  });

  it('serialises each event once for every subscriber, and lets them go after the terminal event', () => {
    const log = new JobEventLog();
    const a: string[] = [];
    const b: string[] = [];
    log.subscribe((e) => a.push(e.json));
    log.subscribe((e) => b.push(e.json));
    log.append('failed', { stage: 'failed', current: 0, total: null, message: 'no', code: 'INTERNAL' });
    expect(a).to.deep.equal(['{"stage":"failed","current":0,"total":null,"message":"no","code":"INTERNAL"}']);
    expect(a[0]).to.equal(b[0]);
    // Subscribing after the end replays and returns at once.
    const late: string[] = [];
    log.subscribe((e) => late.push(e.event))();
    expect(late).to.deep.equal(['failed']);
  });

  it('counts its live subscribers: one less for each that unsubscribes, none after the terminal event', () => {
    const log = new JobEventLog();
    const first = log.subscribe(() => undefined);
    log.subscribe(() => undefined);
    log.subscribe(() => undefined);
    expect(log.subscriberCount).to.equal(3);
    first();
    expect(log.subscriberCount).to.equal(2);
    log.append('complete', { stage: 'complete', current: 1, total: 1, message: 'done' });
    expect(log.subscriberCount).to.equal(0);
  });
});
