/**
 * Where one column's values come from when a batch of rows is appended in
 * columns: a value shared by every row, or a number per row read from a
 * row-major array of numbers (`values[offset + row * stride]`), NaN for NULL,
 * taken as is or as an index into `names`.
 */
export type ColumnSource =
  | { kind: 'constant'; value: string | number }
  | { kind: 'numbers'; values: Float64Array; stride: number; offset: number }
  | { kind: 'names'; values: Float64Array; stride: number; offset: number; names: readonly string[] };

/** A batch of rows in columns: one source per column of the table, in its order. */
export interface ColumnSources {
  rowCount: number;
  columns: readonly ColumnSource[];
}

/** The rows' numbers at `offset` in a row-major array of `stride` numbers per row. */
export function numbers(values: Float64Array, stride: number, offset: number): ColumnSource {
  return { kind: 'numbers', values, stride, offset };
}

/** The rows' names, indices into `names` at `offset` in a row-major array of `stride` numbers per row. */
export function names(values: Float64Array, stride: number, offset: number, list: readonly string[]): ColumnSource {
  return { kind: 'names', values, stride, offset, names: list };
}

/** One value for every row. */
export function constant(value: string | number): ColumnSource {
  return { kind: 'constant', value };
}
