import { expect } from 'chai';
import { lineProgress } from '../../src/cli/IngestProgress.js';

const counted = (current: number, total: number | null) => ({ current, total, done: false, rate: null });

describe('lineProgress', () => {
  it('writes one line for a burst of updates inside its interval, naming every stage seen', () => {
    const lines: string[] = [];
    const progress = lineProgress((line) => lines.push(line), 60_000);
    progress.update('images', counted(1, 10));
    for (let i = 2; i <= 10; i++) progress.update('images', counted(i, 10));
    progress.update('thumbnails', counted(3, null));
    expect(lines).to.deep.equal(['images 1/10\n']);
  });

  it('writes again once its interval has passed, with the latest of each stage', () => {
    const lines: string[] = [];
    const progress = lineProgress((line) => lines.push(line), 0);
    progress.update('images', counted(5, 10));
    progress.update('thumbnails', counted(2, null));
    expect(lines.at(-1)).to.equal('images 5/10, thumbnails 2\n');
  });

  it("starts its line with the job's whole percentage and its time left, or says the time left is unknown", () => {
    const lines: string[] = [];
    const progress = lineProgress((line) => lines.push(line), 0);
    progress.update('thumbnails', counted(3, null), { fraction: 0.1234, eta_seconds: null });
    progress.update('thumbnails', counted(40, 100), { fraction: 0.468, eta_seconds: 125 });
    expect(lines).to.deep.equal(['12%, time left unknown: thumbnails 3\n', '46%, 02m05s left: thumbnails 40/100\n']);
  });
});
