import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Child process of BareHttpServer: the least a Node server can do to serve a
// cached thumbnail (stream the file with its type and length), as the ceiling
// the service's image route is compared with. Prints its URL as a JSON line.
const file = process.argv[2];
if (file === undefined) throw new Error('usage: bareHttpServerChild <file>');
const { size } = await stat(file);

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'image/webp', 'content-length': size });
  createReadStream(file).pipe(res);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
