import type { Database } from './Database.js';
import type { Row } from './toPlainRows.js';

/**
 * Datasets' rows with their counts: images and annotations (their splits'
 * `split_stats`), categories, and the names of their complete splits; one
 * dataset's or, newest first, every one's.
 *
 * The rows of these small tables are read in one statement (one snapshot, so
 * a split committing meanwhile is counted everywhere or nowhere), one table
 * after another with `UNION ALL`, and summed here, rather than counted by a
 * correlated subquery per count: DuckDB sets up a hash table of megabytes for
 * each grouped aggregate, join or `DISTINCT`, however few the rows, and a
 * process that has just started faults every one of those pages in (12-14 µs
 * a page on the benchmark's machine). That query took 40-60 ms as a restarted
 * service's first request at 1M images; the scans take a few.
 */
export async function datasetSummaries(db: Database, id?: number): Promise<Row[]> {
  const ofDataset = id === undefined ? '' : ' AND dataset_id = ?';
  const one = id === undefined ? [] : [BigInt(id)];
  const rows = await db.query(
    `SELECT 'dataset' AS kind, id AS dataset_id, name, status, error, created_at, updated_at, NULL::BIGINT AS images, NULL::BIGINT AS annotations
       FROM datasets WHERE true${id === undefined ? '' : ' AND id = ?'}
     UNION ALL SELECT 'split', dataset_id, NULL, NULL, NULL, NULL, NULL, images, annotations FROM split_stats WHERE true${ofDataset}
     UNION ALL SELECT 'category', dataset_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM categories WHERE true${ofDataset}
     UNION ALL SELECT 'job', dataset_id, split, NULL, NULL, NULL, NULL, NULL, NULL FROM jobs WHERE status = 'complete' AND kind = 'ingest'${ofDataset}`,
    [...one, ...one, ...one, ...one],
  );
  const counts = new Map<unknown, { images: number; annotations: number; categories: number; splits: Set<string> }>();
  const of = (datasetId: unknown) => {
    const known = counts.get(datasetId);
    if (known) return known;
    const c = { images: 0, annotations: 0, categories: 0, splits: new Set<string>() };
    counts.set(datasetId, c);
    return c;
  };
  const datasets: Row[] = [];
  for (const row of rows) {
    const c = of(row.dataset_id);
    if (row.kind === 'dataset') {
      datasets.push(row);
    } else if (row.kind === 'split') {
      c.images += Number(row.images ?? 0);
      c.annotations += Number(row.annotations ?? 0);
    } else if (row.kind === 'category') {
      c.categories++;
    } else {
      c.splits.add(String(row.name));
    }
  }
  return datasets
    .sort((a, b) => Number(b.dataset_id) - Number(a.dataset_id))
    .map(({ dataset_id, name, status, error, created_at, updated_at }) => {
      const c = of(dataset_id);
      return {
        id: dataset_id,
        name,
        status,
        error,
        created_at,
        updated_at,
        image_count: c.images,
        annotation_count: c.annotations,
        category_count: c.categories,
        split_names: [...c.splits].sort(byCodePoint),
      };
    });
}

/** DuckDB's `ORDER BY` on text: by UTF-8 bytes, which is by code point (JavaScript's `<` compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
