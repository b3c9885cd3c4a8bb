import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import type Router from '@koa/router';
import { resolveExportScope } from '../../export/ExportScope.js';
import { exportCocoJson } from '../../export/exportCocoJson.js';
import { exportParquet } from '../../export/exportParquet.js';
import { checkPredictionSet, exportPredictions } from '../../export/exportPredictions.js';
import type { Service } from '../Service.js';
import { exportQuery } from '../schemas.js';
import { idParam, validate } from '../validate.js';

/**
 * `GET /datasets/{id}/export`: the dataset (or a split, or a category subset)
 * as the COCO JSON it was ingested from, a prediction set as a COCO results
 * file, or one table as Parquet. Everything is read in one snapshot on a
 * connection of its own, and the JSON is streamed as DuckDB produces it.
 */
export function exportRoutes(router: Router, service: Service): void {
  router.get('/datasets/:id/export', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    const query = validate(exportQuery, ctx.query, 'query');
    const conn = await service.db.connect();
    let handedOver = false;
    try {
      // One snapshot: an ingest committing meanwhile does not show up halfway through.
      await conn.run('BEGIN TRANSACTION');
      const scope = await resolveExportScope(conn, id, { split: query.split, category: query.category });
      const base = fileBase(scope.datasetName, query.predictions ?? query.split ?? null, query.category ?? null);
      if (query.format === 'parquet') {
        const file = await exportParquet(conn, scope, query.table!, path.join(service.config.dataDir, 'exports'));
        const stream = createReadStream(file);
        stream.once('close', () => void rm(file, { force: true }));
        ctx.type = 'application/vnd.apache.parquet';
        ctx.attachment(`${base}-${query.table}.parquet`);
        ctx.body = stream;
        return;
      }
      if (query.predictions !== undefined) await checkPredictionSet(conn, id, query.predictions);
      const pieces = query.predictions === undefined ? exportCocoJson(conn, scope) : exportPredictions(conn, id, query.predictions);
      ctx.type = 'application/json';
      ctx.attachment(`${base}.json`);
      ctx.body = Readable.from(closingAfter(conn, pieces));
      handedOver = true;
    } finally {
      if (!handedOver) await release(conn);
    }
  });
}

/** Yields `pieces`, then (or when the client goes away) ends the snapshot and closes the connection. */
async function* closingAfter(conn: DuckDBConnection, pieces: AsyncGenerator<string>): AsyncGenerator<string> {
  try {
    yield* pieces;
  } finally {
    await release(conn);
  }
}

async function release(conn: DuckDBConnection): Promise<void> {
  await conn.run('ROLLBACK').catch(() => undefined);
  conn.closeSync();
}

/** A download name from the dataset's name, and the split, set or category: letters, digits, `.`, `_` and `-` only. */
function fileBase(datasetName: string, part: string | null, category: string | null): string {
  const safe = (text: string) =>
    text
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 100) || 'dataset';
  return [datasetName, part, category]
    .filter((p): p is string => p !== null)
    .map(safe)
    .join('-');
}
