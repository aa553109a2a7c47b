import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { FilterInstance } from '../../src/routing/filter-contract.ts';
import { listen, startProxy, get } from './harness.ts';

/** A backend that switches to an upper-casing echo protocol, or answers 426 when told to refuse. */
async function upgradingBackend(t: import('node:test').TestContext) {
  const seen: http.IncomingHttpHeaders[] = [];
  const be = await listen(
    t,
    (req, res) => {
      seen.push(req.headers);
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('upgrade required');
    },
    (req, socket: Duplex, head: Buffer) => {
      seen.push(req.headers);
      if (req.url === '/refuse') {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno');
        return;
      }
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\nX-Backend: up\r\n\r\n');
      if (head.length > 0) socket.write(head.toString().toUpperCase());
      socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
      socket.on('error', () => {});
    },
  );
  return { ...be, seen };
}

function upgrade(url: string): Promise<{ res: http.IncomingMessage; socket: Duplex } | { res: http.IncomingMessage; socket: null }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent: false, headers: { connection: 'Upgrade', upgrade: 'echo' } });
    req.on('upgrade', (res, socket) => resolve({ res, socket }));
    req.on('response', (res) => resolve({ res, socket: null }));
    req.on('error', reject);
    req.end();
  });
}

function readSome(socket: Duplex, n: number): Promise<string> {
  return new Promise((resolve) => {
    let d = '';
    const on = (c: Buffer): void => {
      d += c.toString();
      if (d.length >= n) {
        socket.off('data', on);
        resolve(d);
      }
    };
    socket.on('data', on);
  });
}

test('experimentalUpgrade: 101 from the backend joins the connections both ways, after the request filters', async (t) => {
  const be = await upgradingBackend(t);
  const tag: FilterInstance = { name: 'tag', request: (ctx) => void (ctx.request.headers['x-tagged'] = 'yes') };
  const { url, holder } = await startProxy(t, [{ id: 'ws', filters: [tag], backend: be.url }], { experimentalUpgrade: true });
  const up = await upgrade(`${url}/chat`);
  assert.ok(up.socket, 'upgraded');
  assert.equal(up.res.statusCode, 101);
  assert.equal(up.res.headers['x-backend'], 'up');
  up.socket.write('hello');
  assert.equal(await readSome(up.socket, 5), 'HELLO');
  up.socket.write('again');
  assert.equal(await readSome(up.socket, 5), 'AGAIN');
  assert.equal(be.seen[0]!['upgrade'], 'echo');
  assert.equal(be.seen[0]!['x-tagged'], 'yes');
  assert.equal(holder.pinned(), 1, 'the table stays pinned while the connection lives');
  up.socket.destroy();
  while (holder.pinned() !== 0) await new Promise((r) => setTimeout(r, 5));
});

test('a backend that refuses the upgrade answers normally', async (t) => {
  const be = await upgradingBackend(t);
  const { url } = await startProxy(t, [{ id: 'ws', backend: be.url }], { experimentalUpgrade: true });
  const up = await upgrade(`${url}/refuse`);
  assert.equal(up.socket, null);
  assert.equal(up.res.statusCode, 403);
});

test('without experimentalUpgrade the request is proxied plainly: Upgrade is hop-by-hop', async (t) => {
  const be = await upgradingBackend(t);
  const { url } = await startProxy(t, [{ id: 'ws', backend: be.url }]);
  const up = await upgrade(`${url}/chat`);
  assert.equal(up.socket, null);
  assert.equal(up.res.statusCode, 426);
  assert.equal(be.seen[0]!['upgrade'], undefined);
  assert.equal((await get(`${url}/plain`)).status, 426, 'the proxy still serves');
});
