import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from '../errors.js';
import type { IngestPlugin } from './IngestPlugin.js';

const HOOKS = ['onIngestStart', 'onSamplesIngested', 'onIngestComplete', 'onIngestFailed'] as const;

/**
 * Imports every `*.js`/`*.mjs` module directly in `dir` (not recursively; names
 * starting with `_` or `.` are skipped) and checks each exports a plugin. A
 * missing directory means no plugins. A module that fails to load or exports
 * something else stops the start-up with a message naming the file: running
 * without a plugin the operator asked for would silently lose its results.
 */
export async function loadPlugins(dir: string): Promise<IngestPlugin[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.(m?js)$/.test(n) && !/^[._]/.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const plugins: IngestPlugin[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const file = path.join(dir, name);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (err) {
      throw new AppError('PLUGIN_LOAD_FAILED', `plugin ${file} failed to load: ${(err as Error).message}`, { cause: err });
    }
    const plugin = (mod.default ?? mod.plugin) as Partial<IngestPlugin> | undefined;
    const problem = checkPlugin(plugin);
    if (problem) throw new AppError('PLUGIN_INVALID', `plugin ${file}: ${problem}`);
    if (seen.has(plugin!.name!)) {
      throw new AppError('PLUGIN_INVALID', `plugin ${file}: another plugin is already named ${plugin!.name}`);
    }
    seen.add(plugin!.name!);
    plugins.push(plugin as IngestPlugin);
  }
  return plugins;
}

function checkPlugin(plugin: Partial<IngestPlugin> | undefined): string | null {
  if (typeof plugin !== 'object' || plugin === null) return 'must export an object (default export or `plugin`)';
  if (typeof plugin.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(plugin.name)) {
    return '`name` must be 1-64 characters of letters, digits, _ . -';
  }
  for (const hook of HOOKS) {
    if (plugin[hook] !== undefined && typeof plugin[hook] !== 'function') return `\`${hook}\` must be a function`;
  }
  if (!HOOKS.some((hook) => typeof plugin[hook] === 'function')) return `exports none of the hooks ${HOOKS.join(', ')}`;
  return null;
}
