import type { CounterTable } from './CounterTable.js';
import { checkHitsTable } from './checkHitsTable.js';
import { sampleCategoriesTable } from './sampleCategoriesTable.js';
import { sampleCountsTable } from './sampleCountsTable.js';
import { splitAnnotationCountsTable } from './splitAnnotationCountsTable.js';
import { splitCategoriesTable } from './splitCategoriesTable.js';
import { splitStatsTable } from './splitStatsTable.js';

export type { CounterTable } from './CounterTable.js';

/**
 * Every counter table, one line each, in the order a commit fills them (a
 * counter may read those before it). The commit of a job fills those of its
 * kind; deleting a dataset, discarding an upload or deleting a prediction set
 * empties them with the rows they count.
 */
export const COUNTER_TABLES: readonly CounterTable[] = [
  sampleCountsTable,
  sampleCategoriesTable,
  splitStatsTable,
  splitAnnotationCountsTable,
  splitCategoriesTable,
  checkHitsTable,
];
