import { createReadStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import chain from 'stream-chain';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamValues } from 'stream-json/streamers/stream-values.js';

// Child process of parseWithStreamJson: parses the COCO file given as argument
// with stream-json's standard pipeline, assembling every record, and prints one
// JSON line with the time from opening the file to the end of the stream.
// A separate process, so that its time and memory are its own.
// With `packed-only`, the parser emits only whole values (`streamValues: false`),
// the tokens streamValues() reads, and skips the string/number chunks it ignores.
const [file, variant = 'default'] = process.argv.slice(2);
if (file === undefined || !['default', 'packed-only'].includes(variant)) {
  throw new Error('usage: streamJsonParseChild <annotation file> [default|packed-only]');
}

const started = performance.now();
let values = 0;
const pipeline = chain([
  createReadStream(file),
  variant === 'packed-only' ? parser({ streamValues: false }) : parser(),
  pick({ filter: /^(images|annotations|categories)\.\d+$/ }),
  streamValues(),
]);
pipeline.on('data', () => {
  values++;
});
await finished(pipeline);
const elapsedMs = performance.now() - started;
// maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({ elapsedMs, values, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
