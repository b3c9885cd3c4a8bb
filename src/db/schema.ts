import { fillCountersSql } from './counters/CounterTable.js';
import { checkHitsFromJsonTable } from './counters/checkHitsTable.js';
import { COUNTER_TABLES } from './counters/counterTables.js';
import { sampleCategoriesTable } from './counters/sampleCategoriesTable.js';
import { sampleCountsTable } from './counters/sampleCountsTable.js';
import { splitAnnotationCountsTable } from './counters/splitAnnotationCountsTable.js';
import { splitCategoriesFromGroupsTable, splitCategoriesTable } from './counters/splitCategoriesTable.js';
import { splitStatsTable } from './counters/splitStatsTable.js';
import { fillDuplicateMembersSql } from './duplicateMembersSql.js';
import { annotationsTable } from './tables/annotationsTable.js';
import { categoriesTable } from './tables/categoriesTable.js';
import { evaluationGroundTruthsTable } from './tables/evaluationGroundTruthsTable.js';
import { evaluationImagesTable } from './tables/evaluationImagesTable.js';
import { evaluationPredictionsTable } from './tables/evaluationPredictionsTable.js';
import { evaluationsTable } from './tables/evaluationsTable.js';
import { imageFailuresTable } from './tables/imageFailuresTable.js';
import { panopticRecordsTable } from './tables/panopticRecordsTable.js';
import { predictionsTable } from './tables/predictionsTable.js';
import { sampleHashesTable } from './tables/sampleHashesTable.js';
import { samplesTable } from './tables/samplesTable.js';
import { createTableSql, type MappedTable } from './tables/TableMapping.js';

/**
 * The DuckDB schema. No PRIMARY KEY or UNIQUE constraints on purpose: the main
 * thread is the only writer and assigns every id itself, and DuckDB's ART indexes
 * would cost memory on the big tables and turn UPDATEs of `datasets`/`jobs` into
 * delete+insert pairs that can conflict inside a transaction.
 *
 * The tables rows are appended to are generated from their mappings
 * (`src/db/tables/`), so the appenders' column order is the tables' by construction.
 *
 * An ingest writes its samples, annotations and categories inside one transaction
 * that also flips the dataset to `ready`, so a reader never sees a half-ingested
 * split and a crash leaves nothing behind but the `running` job row, which
 * start-up marks as interrupted. The counter tables (`src/db/counters/`) are
 * filled in that same transaction.
 */
export const SCHEMA_VERSION = 10;

/** The tables whose rows go through a mapping. */
export const MAPPED_TABLES: readonly MappedTable[] = [
  samplesTable,
  annotationsTable,
  categoriesTable,
  imageFailuresTable,
  panopticRecordsTable,
  predictionsTable,
  evaluationsTable,
  evaluationPredictionsTable,
  evaluationGroundTruthsTable,
  evaluationImagesTable,
  sampleHashesTable,
];

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL);

-- Dataset ids are never reused, so a client's cached URL never names another dataset's images.
CREATE SEQUENCE IF NOT EXISTS dataset_ids START 1;

CREATE TABLE IF NOT EXISTS datasets (
  id BIGINT NOT NULL,
  name VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  error VARCHAR,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL
);

-- kind: 'ingest' (a split of ground truth) or 'predictions' (split holds the prediction set's name).
CREATE TABLE IF NOT EXISTS jobs (
  id VARCHAR NOT NULL,
  dataset_id BIGINT NOT NULL,
  split VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  annotation_path VARCHAR NOT NULL,
  image_dir VARCHAR,
  options JSON NOT NULL,
  info JSON,
  licenses JSON,
  result JSON,
  error_code VARCHAR,
  error VARCHAR,
  created_at TIMESTAMP NOT NULL,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  kind VARCHAR NOT NULL DEFAULT 'ingest',
  mask_dir VARCHAR
);

CREATE TABLE IF NOT EXISTS prediction_sets (
  dataset_id BIGINT NOT NULL,
  name VARCHAR NOT NULL,
  job_id VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  prediction_count BIGINT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  error VARCHAR
);

CREATE TABLE IF NOT EXISTS plugin_data (
  dataset_id BIGINT NOT NULL,
  plugin VARCHAR NOT NULL,
  data JSON NOT NULL,
  updated_at TIMESTAMP NOT NULL
);

-- Each sample with a duplicate at the default distance (duplicateMembersSql.ts), kept when hashes are stored.
CREATE TABLE IF NOT EXISTS duplicate_members (
  dataset_id BIGINT NOT NULL,
  sample_id BIGINT NOT NULL,
  cross_split BOOLEAN NOT NULL
);

${MAPPED_TABLES.map(createTableSql).join('\n\n')}

${COUNTER_TABLES.map(createTableSql).join('\n\n')}
`;

/** `annotations.mask_area` (schema 8); IF NOT EXISTS, as entries 6 and 7 both add it. */
const ADD_MASK_AREA_SQL = 'ALTER TABLE annotations ADD COLUMN IF NOT EXISTS mask_area BIGINT;';

/**
 * Statements that bring a database of an earlier schema version to this one,
 * by the version they start from. Columns are only ever added at the end, or
 * dropped, so a migrated table has its mapping's column order.
 */
export const MIGRATIONS: Readonly<Record<number, string>> = {
  1: `
ALTER TABLE jobs ALTER COLUMN image_dir DROP NOT NULL;
ALTER TABLE jobs ADD COLUMN kind VARCHAR DEFAULT 'ingest';
ALTER TABLE jobs ADD COLUMN mask_dir VARCHAR;
ALTER TABLE samples ALTER COLUMN file_name DROP NOT NULL;
ALTER TABLE samples ADD COLUMN image_ref VARCHAR;
`,
  // Annotations name their sample by (job_id, image_coco_id); duplicate image ids are found in SQL, by position.
  2: `
ALTER TABLE samples ADD COLUMN record_index INTEGER;
`,
  // Annotations and panoptic records name their image by (job_id, image_coco_id): their sample_id was always null.
  // IF EXISTS: a database older than panoptic_records gets it from SCHEMA_SQL, already without one.
  3: `
ALTER TABLE annotations DROP COLUMN IF EXISTS sample_id;
ALTER TABLE panoptic_records DROP COLUMN IF EXISTS sample_id;
`,
  // Each image's hashes, for duplicates and train/val leaks (sample_hashes comes from SCHEMA_SQL).
  4: `
ALTER TABLE samples ADD COLUMN content_hash VARCHAR;
ALTER TABLE samples ADD COLUMN phash UBIGINT;
`,
  // The counter tables (SCHEMA_SQL has just made them, empty), filled for every split committed before them.
  5: fillCountersSql([sampleCountsTable, sampleCategoriesTable, splitStatsTable, splitCategoriesTable]),
  // The annotation checks' failures and the duplicates at the default distance, kept instead of found at each request.
  // The column comes first here too: the checks this entry runs read it (entry 7 then finds it there).
  6: `${ADD_MASK_AREA_SQL}\n${fillCountersSql([checkHitsFromJsonTable])}\n${fillDuplicateMembersSql('IS NOT NULL')}`,
  // An RLE's pixel area, for the area check. Rows stored before it keep null: the check then reads an
  // uncompressed RLE's counts as before, and skips a compressed one (re-ingest to check it).
  7: ADD_MASK_AREA_SQL,
  // The checks each annotation fails alone, which the ingest now works out from the parsed record. Rows stored before
  // keep NULL: their check_hits were filled (at their commit, or by entry 6) from their JSON.
  8: 'ALTER TABLE annotations ADD COLUMN IF NOT EXISTS check_flags UTINYINT;',
  // The images each lone filter keeps, so a page's total is read instead of counted (counterTotalSql.ts): the split
  // counters gain columns and a table. They are small (a row per split, or per split and category) and made from the
  // per-sample counters, so they are made again rather than altered; SCHEMA_SQL has just made the new table, empty.
  // sample_categories gains category_flags, which commits from now on fill; rows stored since schema 5 keep NULL
  // (a database at schema 4 or older had the table made by SCHEMA_SQL and filled by entry 5, flags and all: hence
  // IF NOT EXISTS), so split_categories is made from their groups here, which reads no flags.
  9: `
ALTER TABLE sample_categories ADD COLUMN IF NOT EXISTS category_flags UTINYINT;
DROP TABLE split_stats;
DROP TABLE split_categories;
${createTableSql(splitStatsTable)}
${createTableSql(splitCategoriesTable)}
${fillCountersSql([splitStatsTable, splitAnnotationCountsTable, splitCategoriesFromGroupsTable])}
`,
};
