import { expect } from 'chai';
import { parseEventLoopDelay } from '../../bench/eventLoopDelay.js';

describe('bench: event-loop delay from /metrics', () => {
  it("reads prom-client's max and p99 gauges, in ms", () => {
    const metrics = [
      '# HELP nodejs_eventloop_lag_seconds Lag of event loop in seconds.',
      '# TYPE nodejs_eventloop_lag_seconds gauge',
      'nodejs_eventloop_lag_seconds 0.002',
      '# TYPE nodejs_eventloop_lag_max_seconds gauge',
      'nodejs_eventloop_lag_max_seconds 0.123469823',
      '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
      'nodejs_eventloop_lag_p99_seconds 0.0205',
      'nodejs_eventloop_lag_p99_seconds_extra 9',
    ].join('\n');
    const delay = parseEventLoopDelay(metrics);
    expect(delay.maxMs).to.be.closeTo(123.469823, 1e-9);
    expect(delay.p99Ms).to.be.closeTo(20.5, 1e-9);
  });

  it('refuses metrics without the gauges', () => {
    expect(() => parseEventLoopDelay('process_cpu_seconds_total 1\n')).to.throw(/nodejs_eventloop_lag_max_seconds/);
  });
});
