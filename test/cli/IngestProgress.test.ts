import { expect } from 'chai';
import { lineProgress } from '../../src/cli/IngestProgress.js';

describe('lineProgress', () => {
  it('writes one line for a burst of updates inside its interval, naming every stage seen', () => {
    const lines: string[] = [];
    const progress = lineProgress((line) => lines.push(line), 60_000);
    progress.update('images', 1, 10);
    for (let i = 2; i <= 10; i++) progress.update('images', i, 10);
    progress.update('thumbnails', 3, null);
    expect(lines).to.deep.equal(['images 1/10\n']);
  });

  it('writes again once its interval has passed, with the latest of each stage', () => {
    const lines: string[] = [];
    const progress = lineProgress((line) => lines.push(line), 0);
    progress.update('images', 5, 10);
    progress.update('thumbnails', 2, null);
    expect(lines.at(-1)).to.equal('images 5/10, thumbnails 2\n');
  });
});
