/**
 * The DuckDB schema. No PRIMARY KEY or UNIQUE constraints on purpose: the main
 * thread is the only writer and assigns every id itself, and DuckDB's ART indexes
 * would cost memory on the big tables and turn UPDATEs of `datasets`/`jobs` into
 * delete+insert pairs that can conflict inside a transaction.
 *
 * An ingest writes its samples, annotations and categories inside one transaction
 * that also flips the dataset to `ready`, so a reader never sees a half-ingested
 * split and a crash leaves nothing behind but the `running` job row, which
 * start-up marks as interrupted.
 */
export const SCHEMA_VERSION = 1;

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

CREATE TABLE IF NOT EXISTS jobs (
  id VARCHAR NOT NULL,
  dataset_id BIGINT NOT NULL,
  split VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  annotation_path VARCHAR NOT NULL,
  image_dir VARCHAR NOT NULL,
  options JSON NOT NULL,
  info JSON,
  licenses JSON,
  result JSON,
  error_code VARCHAR,
  error VARCHAR,
  created_at TIMESTAMP NOT NULL,
  started_at TIMESTAMP,
  finished_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS categories (
  dataset_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  name VARCHAR NOT NULL,
  supercategory VARCHAR,
  keypoints JSON,
  skeleton JSON,
  extra JSON
);

CREATE TABLE IF NOT EXISTS samples (
  id BIGINT NOT NULL,
  dataset_id BIGINT NOT NULL,
  job_id VARCHAR NOT NULL,
  split VARCHAR NOT NULL,
  coco_id BIGINT NOT NULL,
  file_name VARCHAR NOT NULL,
  width INTEGER,
  height INTEGER,
  license BIGINT,
  extra JSON
);

CREATE TABLE IF NOT EXISTS annotations (
  id BIGINT NOT NULL,
  dataset_id BIGINT NOT NULL,
  job_id VARCHAR NOT NULL,
  sample_id BIGINT,
  image_coco_id BIGINT NOT NULL,
  record_index INTEGER NOT NULL,
  coco_id BIGINT NOT NULL,
  category_id BIGINT,
  bbox_x DOUBLE,
  bbox_y DOUBLE,
  bbox_w DOUBLE,
  bbox_h DOUBLE,
  area DOUBLE,
  iscrowd BOOLEAN NOT NULL,
  segmentation JSON,
  keypoints JSON,
  num_keypoints INTEGER,
  caption VARCHAR,
  extra JSON
);

CREATE TABLE IF NOT EXISTS image_failures (
  sample_id BIGINT NOT NULL,
  dataset_id BIGINT NOT NULL,
  job_id VARCHAR NOT NULL,
  code VARCHAR NOT NULL,
  message VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS plugin_data (
  dataset_id BIGINT NOT NULL,
  plugin VARCHAR NOT NULL,
  data JSON NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
`;
