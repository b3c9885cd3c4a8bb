import { AREA_CLASSES } from '../SampleFilter.js';

/** `count(*) FILTER (…) AS small, … AS medium, … AS large` of a column of areas: COCO's area classes. */
export function areaClassCountsSql(area: string): string {
  return Object.entries(AREA_CLASSES)
    .map(([name, [low, high]]) => `count(*) FILTER (WHERE ${area} >= ${low} AND ${area} < ${high}) AS ${name}`)
    .join(', ');
}

/** The COCO area class of a column of areas, as its name (`'small'`, …), or NULL for none (no area). */
export function areaClassSql(area: string): string {
  const cases = Object.entries(AREA_CLASSES).map(([name, [low, high]]) => `WHEN ${area} >= ${low} AND ${area} < ${high} THEN '${name}'`);
  return `CASE ${cases.join(' ')} END`;
}
