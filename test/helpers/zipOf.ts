import { readFile } from 'node:fs/promises';
import yazl from 'yazl';

/** An entry of {@link zipOf}: its name in the archive, and a file to copy or the bytes themselves. */
export type ZipEntry = [name: string, source: string | Buffer];

/** A zip archive of `entries`, in memory (test archives are small). */
export async function zipOf(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, source] of entries) zip.addBuffer(typeof source === 'string' ? await readFile(source) : source, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
