/**
 * A connection stops at the first request it rejects, and pipelined requests reach the backend one after
 * another, in order (issue 11, item 4). The real proxy on the real listener, raw client sockets.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createProxy } from '../../src/proxy/proxy.ts';
import { createProxyServer } from '../../src/server/http-server.ts';
import { listen, makeTable, quiet, TestHolder } from '../proxy/harness.ts';
import { RawClient } from '../proxy/raw-client.ts';

const timeouts = { readTimeoutMs: 300_000, readHeaderTimeoutMs: 60_000, writeTimeoutMs: 60_000, idleTimeoutMs: 60_000, maxHeaderBytes: 1 << 20 };

async function proxyTo(t: TestContext, backend: string): Promise<number> {
  const proxy = createProxy(new TestHolder(makeTable([{ id: 'r', backend }])), { logger: quiet });
  t.after(() => proxy.close());
  const listener = createProxyServer({ ...timeouts, onRequest: (req, res) => proxy.handleRequest(req, res) });
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  t.after(() => {
    listener.server.closeAllConnections();
    listener.server.close();
  });
  return (listener.server.address() as AddressInfo).port;
}

/** A backend that records what reached it and how many requests it held at once. */
async function recordingBackend(t: TestContext) {
  const seen: string[] = [];
  let active = 0;
  let maxActive = 0;
  const be = await listen(t, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    maxActive = Math.max(maxActive, ++active);
    req.resume();
    // Answering a little later gives concurrent requests the chance to overlap.
    setTimeout(() => {
      active--;
      res.end(`answer ${req.url}`);
    }, 30);
  });
  return { url: be.url, seen, maxActive: () => maxActive };
}

const REJECTED: Record<string, [string, number]> = {
  'a coding before chunked': ['POST /bad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', 501],
  'two Host headers': ['GET /bad HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
  'an HTTP/2.0 request line': ['GET /bad HTTP/2.0\r\nHost: x\r\n\r\n', 505],
  'a malformed escape': ['GET /bad%zz HTTP/1.1\r\nHost: x\r\n\r\n', 400],
};

for (const [name, [rejected, status]] of Object.entries(REJECTED)) {
  test(`nothing pipelined after ${name} reaches the backend; the connection closes after the ${status}`, async (t) => {
    const be = await recordingBackend(t);
    const port = await proxyTo(t, be.url);
    const c = await RawClient.open(t, port);
    c.write(`GET /before HTTP/1.1\r\nHost: x\r\n\r\n${rejected}GET /after HTTP/1.1\r\nHost: x\r\n\r\nDELETE /after2 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
    const first = await c.response();
    assert.match(first!.head, /^HTTP\/1\.1 200 /);
    const second = await c.response();
    assert.match(second!.head, new RegExp(`^HTTP/1\\.1 ${status} `));
    assert.match(second!.head, /\r\nconnection: close/i);
    assert.equal(await c.response(), null, 'nothing answered after the rejection');
    await c.closedByPeer();
    assert.deepEqual(be.seen, ['GET /before']);
  });
}

test('pipelined requests reach the backend one at a time, in order, and are answered in order', async (t) => {
  const be = await recordingBackend(t);
  const port = await proxyTo(t, be.url);
  const c = await RawClient.open(t, port);
  const paths = ['/1', '/2', '/3', '/4'];
  c.write(paths.map((p, i) => `${i === 1 ? 'POST' : 'GET'} ${p} HTTP/1.1\r\nHost: x\r\n${i === 1 ? 'Content-Length: 5\r\n\r\nhello' : '\r\n'}`).join(''));
  for (const p of paths) assert.equal((await c.response())!.body, `answer ${p}`);
  assert.deepEqual(be.seen, ['GET /1', 'POST /2', 'GET /3', 'GET /4']);
  assert.equal(be.maxActive(), 1, 'one request of the connection at the backend at a time');
});

test('a client closing with pipelined requests waiting starts none of them', async (t) => {
  const be = await recordingBackend(t);
  const port = await proxyTo(t, be.url);
  const c = await RawClient.open(t, port);
  c.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n');
  while (be.seen.length === 0) await new Promise((r) => setImmediate(r));
  c.socket.destroy();
  // A later connection is served normally, and the waiting request never showed up before it.
  const d = await RawClient.open(t, port);
  d.write('GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal((await d.response())!.body, 'answer /3');
  assert.deepEqual(be.seen, ['GET /1', 'GET /3']);
});

test('a request the parser rejects is answered after the responses before it, then the connection ends', async (t) => {
  const be = await recordingBackend(t);
  const port = await proxyTo(t, be.url);
  for (const [bad, status] of [['GET /x HTTP/1.1\r\nBad Header\r\n\r\n', 400], [`GET /x HTTP/1.1\r\nX: ${'a'.repeat(1_100_000)}\r\n\r\n`, 431]] as const) {
    const c = await RawClient.open(t, port);
    c.write(`GET /before HTTP/1.1\r\nHost: x\r\n\r\nGET /also HTTP/1.1\r\nHost: x\r\n\r\n${bad}GET /after HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal((await c.response())!.body, 'answer /before');
    assert.equal((await c.response())!.body, 'answer /also');
    assert.match((await c.response())!.head, new RegExp(`^HTTP/1\\.1 ${status} `));
    assert.equal(await c.response(), null);
  }
  assert.deepEqual(be.seen, ['GET /before', 'GET /also', 'GET /before', 'GET /also']);
});
