/** A value the filter builders bind to a `?` (a narrower `DuckDBValue`). */
export type SqlParam = bigint | string | number | boolean | null;
