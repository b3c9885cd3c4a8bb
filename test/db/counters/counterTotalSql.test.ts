import { expect } from 'chai';
import { counterTotalSql } from '../../../src/db/counters/counterTotalSql.js';

const tableOf = (filter: object, categoryId: number | null = null): string | null =>
  counterTotalSql({ datasetId: 1, ...filter }, categoryId)?.sql.match(/FROM (\w+)/)?.[1] ?? null;

describe('counterTotalSql', () => {
  it('reads the split counter that counts a filter it knows', () => {
    expect(tableOf({})).to.equal('split_stats');
    expect(tableOf({ split: 'val', iscrowd: false })).to.equal('split_stats');
    expect(tableOf({ area: 'large' })).to.equal('split_stats');
    expect(tableOf({ category: 'dog', area: 'small' }, 2)).to.equal('split_categories');
    expect(tableOf({ category: 'dog', iscrowd: true }, 2)).to.equal('split_categories');
    expect(tableOf({ minAnnotations: 15 })).to.equal('split_annotation_counts');
  });

  it('gives up, so the samples are counted, on a filter no counter keeps or a field it does not know', () => {
    expect(tableOf({ iscrowd: true, area: 'small' })).to.equal(null);
    expect(tableOf({ category: 'dog', iscrowd: true, area: 'small' }, 2)).to.equal(null);
    expect(tableOf({ category: 'dog', minAnnotations: 2 }, 2)).to.equal(null);
    expect(tableOf({ maxAnnotations: 2, area: 'small' })).to.equal(null);
    expect(tableOf({ hasImageError: false })).to.equal(null);
    expect(tableOf({ evaluation: 'e', outcome: 'fp' })).to.equal(null);
    expect(tableOf({ predictions: 'p', minScore: 0 })).to.equal(null);
    expect(tableOf({ duplicates: 'any' })).to.equal(null);
    expect(tableOf({ someFilterAddedLater: 1 })).to.equal(null);
    // A category not resolved to an id, or an id without its category: not a filter it can read.
    expect(tableOf({ category: 'dog' }, null)).to.equal(null);
    expect(tableOf({}, 2)).to.equal(null);
  });

  it('ignores fields left undefined, as the route passes every query field', () => {
    expect(tableOf({ iscrowd: true, area: undefined, predictions: undefined, evaluation: undefined })).to.equal('split_stats');
  });

  it('takes the column it sums from its own names, never from the request', () => {
    const { sql } = counterTotalSql({ datasetId: 1, area: 'small' }, null)!;
    expect(sql).to.contain('sum(n.small_images)');
    expect(counterTotalSql({ datasetId: 1, iscrowd: false }, null)!.sql).to.contain('sum(n.noncrowd_images)');
  });
});
