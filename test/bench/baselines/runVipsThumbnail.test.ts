import { expect } from 'chai';
import { childrenCpuMs } from '../../../bench/baselines/runVipsThumbnail.js';

describe('bench: vipsthumbnail CPU time from bash times', () => {
  it("adds the children's user and system time, the second line", () => {
    // Children: 1 min 2.5 s user + 0.25 s system = 62,750 ms; the shell's own line is left out.
    expect(childrenCpuMs('0m0.010s 0m0.020s\n1m2.500s 0m0.250s\n')).to.equal(62_750);
  });

  it('refuses output it cannot read', () => {
    expect(() => childrenCpuMs('0m0.010s 0m0.020s\n')).to.throw(/unexpected output of times/);
  });
});
