import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Child process of BareHttpServer: the least a Node server can do to serve a
// cached thumbnail (the same bytes from memory, with their type and length, as
// the service answers from its cache), the ceiling the service's image route is
// compared with. Prints its URL as a JSON line.
const file = process.argv[2];
if (file === undefined) throw new Error('usage: bareHttpServerChild <file>');
const bytes = await readFile(file);

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'image/webp', 'content-length': bytes.length });
  res.end(bytes);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
