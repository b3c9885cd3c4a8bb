import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { COCO_2017_CATEGORIES, type CocoCategory } from './cocoCategories.js';
import { findFiles } from './findFiles.js';

/** The categories a generated file gets, and where they came from. */
export interface LoadedCategories {
  categories: readonly CocoCategory[];
  /** The real instances file they were read from, or null for the built-in list. */
  source: string | null;
}

const INSTANCES_FILE = /^instances_.*\.json$/;

/**
 * The categories of the first real COCO instances file under `dir` (an
 * `instances_*.json`, small enough to parse whole), else the built-in 80.
 */
export async function loadCategories(dir: string): Promise<LoadedCategories> {
  if (!existsSync(dir)) return { categories: COCO_2017_CATEGORIES, source: null };
  for (const file of await findFiles(dir, (name) => INSTANCES_FILE.test(name))) {
    const json = JSON.parse(await readFile(file, 'utf8')) as { categories?: CocoCategory[] };
    if (Array.isArray(json.categories) && json.categories.length > 0) return { categories: json.categories, source: file };
  }
  return { categories: COCO_2017_CATEGORIES, source: null };
}
