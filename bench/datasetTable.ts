import { formatValue } from './formatValue.js';
import type { PreparedDataset } from './prepareDataset.js';
import type { ReportTable } from './reportModel.js';

/** The generated inputs a section used: counts and file size, as generated. */
export function datasetTable(datasets: readonly PreparedDataset[]): ReportTable {
  return {
    title: 'Inputs (generated)',
    header: ['Dataset', 'Images', 'Annotations', 'Per image', 'Crowd (RLE)', 'Categories', 'Annotation file MB'],
    rows: datasets.map((d) => [
      d.name,
      formatValue(d.images, 'count'),
      formatValue(d.annotations, 'count'),
      (d.annotations / d.images).toFixed(2),
      `${formatValue(d.crowdAnnotations, 'count')} (${((d.crowdAnnotations / Math.max(1, d.annotations)) * 100).toFixed(2)}%)`,
      formatValue(d.categories, 'count'),
      formatValue(d.bytes / 1e6, 'MB'),
    ]),
  };
}
