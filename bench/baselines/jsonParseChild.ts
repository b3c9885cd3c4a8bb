import { readFileSync } from 'node:fs';

// Child process of parseWithJsonParse: V8's own parse of the whole COCO file,
// `JSON.parse(readFileSync(file, 'utf8'))`, on one thread: the floor for
// parsing it. Prints one JSON line with the time from reading the file to the
// parsed object and the records it holds. A process of its own, so that its
// time and memory are its own.
const [file] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: jsonParseChild <annotation file>');

const started = performance.now();
const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown[] | undefined>;
const elapsedMs = performance.now() - started;
const values = ['images', 'annotations', 'categories'].reduce((sum, key) => sum + (parsed[key]?.length ?? 0), 0);
// maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({ elapsedMs, values, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
