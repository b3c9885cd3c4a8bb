import { expect } from 'chai';
import { OpenLoopProbe } from '../../bench/OpenLoopProbe.js';

/**
 * A virtual clock for the probe: waiting until a time jumps the clock there,
 * answering on the way every probe whose answer falls before it, at its own
 * answer time. Past `endMs` the wait never resolves (until stop aborts it), so
 * the schedule ends there.
 */
function virtualService(answerAt: (sentAt: number) => number, endMs: number) {
  let now = 0;
  const pending: { at: number; answer: () => void }[] = [];
  const sent: number[] = [];
  let ended: () => void = () => undefined;
  /** Resolves when the probe waits past `endMs` with every probe answered: the schedule is over. */
  const over = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const answerUpTo = async (time: number) => {
    pending.sort((a, b) => a.at - b.at);
    while (pending.length > 0 && pending[0]!.at <= time) {
      const next = pending.shift()!;
      now = next.at;
      next.answer();
      // Let the probe read the clock while it reads the answer's time.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  return {
    sent,
    over,
    clock: () => now,
    send: () =>
      new Promise<void>((answer) => {
        sent.push(now);
        pending.push({ at: answerAt(now), answer });
      }),
    waitUntil: async (time: number, signal: AbortSignal) => {
      if (time > endMs) {
        await answerUpTo(Number.POSITIVE_INFINITY);
        ended();
        await new Promise<void>((_, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      await answerUpTo(time);
      now = Math.max(now, time);
    },
  };
}

describe('bench: open-loop probes', () => {
  it('sends on a fixed schedule through a stall and counts each probe from its scheduled time', async () => {
    // The service stalls until t = 200 ms, then answers in 10 ms. Probes every 50 ms from t = 0 to 300.
    // Sent at 0, 50, 100, 150 (all answered at 200), 200, 250, 300 (answered 10 ms later).
    // Latencies: 200, 150, 100, 50, 10, 10, 10. A closed loop would have sent at 0 (200 ms), then
    // 200 and later (10 ms each): the stall counted once.
    const service = virtualService((sentAt) => (sentAt < 200 ? 200 : sentAt + 10), 300);
    const probe = OpenLoopProbe.start({ intervalMs: 50, send: service.send, clock: service.clock, waitUntil: service.waitUntil });
    await service.over;
    const { latencies, skipped } = await probe.stop();
    expect(service.sent).to.deep.equal([0, 50, 100, 150, 200, 250, 300]);
    expect(latencies).to.deep.equal([200, 150, 100, 50, 10, 10, 10]);
    expect(skipped).to.equal(0);
  });

  it('skips and counts the probes scheduled while too many are unanswered', async () => {
    // The same stall with at most 2 probes unanswered: 0 and 50 are sent, 100 and 150 skipped
    // (both still waiting for t = 200), then 200, 250 and 300 sent as before.
    const service = virtualService((sentAt) => (sentAt < 200 ? 200 : sentAt + 10), 300);
    const probe = OpenLoopProbe.start({ intervalMs: 50, maxInFlight: 2, send: service.send, clock: service.clock, waitUntil: service.waitUntil });
    await service.over;
    const { latencies, skipped } = await probe.stop();
    expect(service.sent).to.deep.equal([0, 50, 200, 250, 300]);
    expect(latencies).to.deep.equal([200, 150, 10, 10, 10]);
    expect(skipped).to.equal(2);
  });

  it('reports a failed probe when stopped', async () => {
    const service = virtualService(() => 0, 0);
    let failed: () => void = () => undefined;
    const sentAndFailed = new Promise<void>((resolve) => {
      failed = resolve;
    });
    const probe = OpenLoopProbe.start({
      intervalMs: 50,
      clock: service.clock,
      waitUntil: service.waitUntil,
      send: () => {
        failed();
        return Promise.reject(new Error('GET /samples answered 500'));
      },
    });
    await sentAndFailed;
    const error = await probe.stop().then(
      () => null,
      (err: Error) => err,
    );
    expect(error?.message).to.equal('GET /samples answered 500');
  });
});
