import type { DuckDBConnection } from '@duckdb/node-api';
import type { SplitKind } from '../formats/AnnotationFormat.js';
import { splitKind } from '../formats/formatRegistry.js';
import { type ExportScope, type ExportSplit, inSubset } from './ExportScope.js';
import { streamJsonRows } from './streamJsonRows.js';

/** Whether the split's kind (as its format says) has `trait`. */
const has = (split: ExportSplit, trait: keyof Omit<SplitKind, 'name' | 'fileKind' | 'uploadPreference'>): boolean => splitKind(split.format)?.[trait] === true;

/**
 * The COCO JSON file of `scope`, in pieces of text: `info` and `licenses` as the
 * (first) split had them, then `images`, `annotations` and `categories`, each
 * record as it went in. DuckDB builds each record's JSON: the known columns
 * merged into the record's `extra` fields with `json_merge_patch`, whose null
 * values drop the field (a field the file did not have is null here), and the
 * segmentation spliced in as the JSON text that was stored. Images and
 * annotations come split by split in file order, a data chunk at a time, so
 * memory does not grow with the dataset: the writer appended them in file
 * order and a scan keeps it (DuckDB preserves insertion order), so no sort is
 * needed, but for a split whose annotations were appended out of order
 * (panoptic segments, as their masks were cut) and for a category subset, whose join keeps no order. A category subset keeps the images
 * with at least one annotation of the category, with all their annotations.
 */
export async function* exportCocoJson(conn: DuckDBConnection, scope: ExportScope): AsyncGenerator<string> {
  const first = scope.splits[0]!;
  // A subset's semi-join is a hash join, which keeps no order: its rows are sorted back into file order.
  const subset = scope.categoryId !== null;
  yield '{';
  if (first.info !== null) yield `"info":${first.info},`;
  if (first.licenses !== null) yield `"licenses":${first.licenses},`;
  yield '"images":[';
  yield* eachSplit(scope, (split) =>
    streamJsonRows(
      conn,
      `SELECT json_merge_patch(coalesce(x.extra, '{}'), json_object('id', x.coco_id, 'file_name', x.file_name, 'width', x.width, 'height', x.height, 'license', x.license))::VARCHAR
       FROM samples x WHERE x.job_id = '${split.jobId}' ${inSubset(scope, 'x.coco_id')}
       ${subset ? 'ORDER BY x.record_index' : ''}`,
    ),
  );
  yield ']';
  if (scope.splits.some((s) => !has(s, 'noAnnotations'))) {
    yield ',"annotations":[';
    yield* eachSplit(scope, (split) =>
      streamJsonRows(
        conn,
        `SELECT json_merge_patch(coalesce(x.extra, '{}'), json_object(
           'id', x.coco_id, 'image_id', x.image_coco_id, 'category_id', x.category_id,
           'segmentation', x.segmentation, 'area', x.area,
           'bbox', CASE WHEN x.bbox_x IS NULL THEN NULL ELSE json_array(x.bbox_x, x.bbox_y, x.bbox_w, x.bbox_h) END,
           'iscrowd', ${has(split, 'noIscrowd') ? 'NULL' : 'x.iscrowd::INTEGER'},
           'keypoints', x.keypoints, 'num_keypoints', x.num_keypoints, 'caption', x.caption))::VARCHAR
         FROM annotations x WHERE x.job_id = '${split.jobId}' ${inSubset(scope, 'x.image_coco_id')}
         ${has(split, 'appendedOutOfOrder') || subset ? 'ORDER BY x.record_index, x.id' : ''}`,
      ),
    );
    yield ']';
  }
  // COCO's captions files have no `categories`: one that had none gets none back.
  const categoriesOptional = scope.splits.every((s) => has(s, 'categoriesOptional'));
  if (categoriesOptional && (await conn.runAndReadAll(`SELECT 1 FROM categories WHERE dataset_id = ${scope.datasetId} LIMIT 1`)).currentRowCount === 0) {
    yield '}';
    return;
  }
  yield ',"categories":[';
  yield* streamJsonRows(
    conn,
    `SELECT json_merge_patch(coalesce(extra, '{}'), json_object('id', id, 'name', name, 'supercategory', supercategory, 'keypoints', keypoints, 'skeleton', skeleton))::VARCHAR
     FROM categories WHERE dataset_id = ${scope.datasetId} ORDER BY id`,
  );
  yield ']}';
}

/** The splits' pieces one after the other, comma-joined between splits that gave any. */
async function* eachSplit(scope: ExportScope, pieces: (split: ExportSplit) => AsyncGenerator<string>): AsyncGenerator<string> {
  let any = false;
  for (const split of scope.splits) {
    let first = true;
    for await (const piece of pieces(split)) {
      yield first && any ? `,${piece}` : piece;
      first = false;
      any = true;
    }
  }
}
