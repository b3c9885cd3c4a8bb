import { AppError, forbiddenPath, invalidRequest } from '../../errors.js';
import type { ObjectStore } from '../ObjectStore.js';

/**
 * Resolves a client-given URL of a network store: parsed, inside the roots,
 * and there (a file by its size; a folder, where the store can list, by one
 * entry under it). Store errors come back prefixed with the field.
 */
export async function resolveRemote(
  field: string,
  given: string,
  kind: 'file' | 'directory',
  checks: { parse: (url: string) => unknown; contains: (url: string) => boolean; store: () => ObjectStore; canList: boolean; where: string },
): Promise<string> {
  try {
    checks.parse(given);
  } catch (err) {
    throw invalidRequest(`${field}: ${(err as Error).message}`);
  }
  const url = kind === 'directory' ? given.replace(/\/+$/, '') : given;
  if (!checks.contains(url)) throw forbiddenPath(`${field}: ${given} is outside the ${checks.where} this service may read (INGEST_ROOTS)`);
  const store = checks.store();
  try {
    if (kind === 'file') {
      await store.stat(url);
    } else if (checks.canList) {
      const listing = store.list(`${url}/`, { pageSize: 1 });
      const first = await listing.next();
      await listing.return();
      if (first.done) throw invalidRequest(`${field}: ${given} has no objects under it`);
    }
  } catch (err) {
    if (!(err instanceof AppError) || err.code === 'INVALID_REQUEST') throw err;
    if (err.code === 'OBJECT_NOT_FOUND') throw invalidRequest(`${field}: ${given} does not exist`);
    throw new AppError(err.code, `${field}: ${err.message}`, { cause: err });
  }
  return url;
}
