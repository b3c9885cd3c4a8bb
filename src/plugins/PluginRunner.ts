import type { Logger } from 'pino';
import type { Database } from '../db/Database.js';
import type { IngestWarning } from '../progress/StageProgress.js';
import type { IngestPlugin, PluginBatch, PluginContext } from './IngestPlugin.js';

/** Which ingest the hooks run for. */
export interface PluginScope {
  datasetId: number;
  jobId: string;
  split: string;
}

/**
 * Runs the loaded plugins' hooks for one ingest. Every hook call is isolated: a
 * throw (or rejection) becomes an {@link IngestWarning} passed to `onWarning` and a
 * log line, and the ingest goes on.
 */
export class PluginRunner {
  readonly plugins: readonly IngestPlugin[];
  readonly #db: Database;
  readonly #log: Logger;

  constructor(plugins: readonly IngestPlugin[], db: Database, log: Logger) {
    this.plugins = plugins;
    this.#db = db;
    this.#log = log;
  }

  /** True when some plugin wants sample batches (so the pipeline only collects them then). */
  get wantsBatches(): boolean {
    return this.plugins.some((p) => typeof p.onSamplesIngested === 'function');
  }

  /** Binds the hooks to one ingest. */
  forIngest(scope: PluginScope, categories: ReadonlyMap<number, string>, onWarning: (w: IngestWarning) => void) {
    const contexts = new Map<IngestPlugin, PluginContext>();
    for (const plugin of this.plugins) contexts.set(plugin, this.#context(plugin, scope, categories));
    const call = async (hook: keyof Omit<IngestPlugin, 'name'>, arg?: unknown): Promise<void> => {
      for (const plugin of this.plugins) {
        const fn = plugin[hook] as ((...args: unknown[]) => unknown) | undefined;
        if (typeof fn !== 'function') continue;
        const ctx = contexts.get(plugin)!;
        try {
          await (hook === 'onIngestStart' ? fn.call(plugin, ctx) : fn.call(plugin, arg, ctx));
        } catch (err) {
          const message = `plugin ${plugin.name} ${hook} threw: ${err instanceof Error ? err.message : String(err)}`;
          this.#log.warn({ err, plugin: plugin.name, hook, jobId: scope.jobId }, message);
          onWarning({ stage: 'plugins', code: 'PLUGIN_HOOK_FAILED', message });
        }
      }
    };
    return {
      wantsBatches: this.wantsBatches,
      start: () => call('onIngestStart'),
      batch: (batch: PluginBatch) => call('onSamplesIngested', batch),
      complete: (summary: Record<string, unknown>) => call('onIngestComplete', summary),
      failed: (error: { code: string; message: string }) => call('onIngestFailed', error),
    };
  }

  #context(plugin: IngestPlugin, scope: PluginScope, categories: ReadonlyMap<number, string>): PluginContext {
    const db = this.#db;
    const log = this.#log.child({ plugin: plugin.name, jobId: scope.jobId });
    return {
      ...scope,
      categories,
      async load() {
        const rows = await db.queryOnWriter('SELECT data FROM plugin_data WHERE dataset_id = ? AND plugin = ?', [BigInt(scope.datasetId), plugin.name]);
        return rows[0]?.data ?? null;
      },
      async store(data: unknown) {
        const text = JSON.stringify(data ?? null);
        await db.write('DELETE FROM plugin_data WHERE dataset_id = ? AND plugin = ?', [BigInt(scope.datasetId), plugin.name]);
        await db.write('INSERT INTO plugin_data VALUES (?, ?, ?, now())', [BigInt(scope.datasetId), plugin.name, text]);
      },
      query: (sql: string, params: unknown[] = []) => db.query(sql, params as never),
      log: { info: (obj, msg) => log.info(obj, msg), warn: (obj, msg) => log.warn(obj, msg) },
    };
  }
}

/** The bound hooks {@link PluginRunner.forIngest} returns. */
export type IngestHooks = ReturnType<PluginRunner['forIngest']>;
