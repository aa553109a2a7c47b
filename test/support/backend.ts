/** Real HTTP backends on 127.0.0.x for end-to-end tests: each answers with its name. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Backend {
  name: string;
  host: string;
  port: number;
  requests: number;
  close(): Promise<void>;
}

export async function startBackend(name: string, host = '127.0.0.1'): Promise<Backend> {
  const b: Backend = { name, host, port: 0, requests: 0, close: async () => {} };
  const server: Server = createServer((_req, res) => {
    b.requests++;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(name);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  b.port = (server.address() as AddressInfo).port;
  b.close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return b;
}
