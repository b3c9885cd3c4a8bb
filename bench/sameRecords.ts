import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The sections of a COCO file whose records an export must give back. */
const SECTIONS = ['images', 'annotations', 'categories'] as const;

/**
 * Checks that an exported COCO file has the records of the file that was
 * ingested: the same images, annotations and categories, in the same order,
 * each equal field for field (keys in any order, numbers as numbers). One file
 * is parsed at a time and each record kept as a digest of its canonical JSON,
 * so two 350 MB files need the memory of one.
 * @throws Error naming the section, the record's position and both records, at the first difference
 */
export function sameRecords(exported: Buffer, ingestedPath: string): void {
  const ours = digests(readJson(ingestedPath));
  let file: Record<string, unknown> | null = JSON.parse(exported.toString('utf8')) as Record<string, unknown>;
  const theirs = digests(file);
  for (const section of SECTIONS) {
    const a = ours[section]!;
    const b = theirs[section]!;
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) {
      if (a[i] === b[i]) continue;
      // Both records for the message, one parsed file at a time: the export's is let go before the ingested file is read again.
      const back = canonical((file[section] as unknown[])[i]).slice(0, 300);
      file = null;
      const original = canonical((readJson(ingestedPath)[section] as unknown[])[i]).slice(0, 300);
      throw new Error(`the export's ${section}[${i}] differs from the ingested file's: ${back} against ${original}`);
    }
    if (a.length !== b.length) throw new Error(`the export has ${b.length} ${section}, the ingested file ${a.length}`);
  }
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function digests(file: Record<string, unknown>): Record<(typeof SECTIONS)[number], string[]> {
  const out = {} as Record<(typeof SECTIONS)[number], string[]>;
  for (const section of SECTIONS) {
    const records = (file[section] ?? []) as unknown[];
    out[section] = records.map((record) => createHash('sha1').update(canonical(record)).digest('base64'));
  }
  return out;
}

/** JSON with every object's keys sorted, at every level. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
