/**
 * A silent backend is reported as the backend's failure (issue 11, item 5): with the write timeout and the
 * response-header timeout equal (Skipper's defaults are 60 s each, scaled down here), the client gets a 504,
 * the access log says 504, an error is logged and the backend error is counted. A backend that closes
 * mid-body is a backend failure too, never a client abort (499).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { createProxy } from '../../src/proxy/proxy.ts';
import type { BackendDoneEvent, ProxyOptions, RequestDoneEvent } from '../../src/proxy/types.ts';
import { createProxyServer } from '../../src/server/http-server.ts';
import { listen, makeTable, TestHolder } from '../proxy/harness.ts';
import { RawClient } from '../proxy/raw-client.ts';

const S = 1000;

async function setup(t: TestContext, backend: string, timeouts: { write: number; headers: number }) {
  const requests: RequestDoneEvent[] = [];
  const backends: BackendDoneEvent[] = [];
  const errors: string[] = [];
  const options: ProxyOptions = {
    responseHeaderTimeoutMs: timeouts.headers,
    serverWriteTimeoutMs: timeouts.write,
    logger: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) },
  };
  const proxy = createProxy(new TestHolder(makeTable([{ id: 'r', backend }])), options, {
    requestDone: (e) => requests.push(e),
    backendDone: (e) => backends.push(e),
  });
  t.after(() => proxy.close());
  const listener = createProxyServer({
    readTimeoutMs: 300 * S, readHeaderTimeoutMs: 60 * S, writeTimeoutMs: timeouts.write, idleTimeoutMs: 60 * S, maxHeaderBytes: 1 << 20,
    onRequest: (req, res) => proxy.handleRequest(req, res),
  });
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  t.after(() => {
    listener.server.closeAllConnections();
    listener.server.close();
  });
  return { port: (listener.server.address() as AddressInfo).port, requests, backends, errors };
}

/** A backend that accepts connections and reads requests but never answers. */
async function silentBackend(t: TestContext): Promise<{ url: string; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const s = net.createServer((c) => {
    sockets.push(c);
    c.resume();
  });
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  t.after(() => {
    for (const c of sockets) c.destroy();
    s.close();
  });
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, sockets };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), what);
}

test('equal write and response-header timeouts: a silent backend is a 504 to the client, in the log and in metrics', async (t) => {
  const be = await silentBackend(t);
  const p = await setup(t, be.url, { write: 5 * S, headers: 5 * S });
  const c = await RawClient.open(t, p.port);
  c.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
  const r = await c.response();
  assert.ok(r !== null, 'the client got an answer, not an empty reply');
  assert.match(r.head, /^HTTP\/1\.1 504 /);
  await until('request logged', () => p.requests.length === 1);
  assert.equal(p.requests[0]!.status, 504);
  assert.equal(p.backends.length, 1);
  assert.equal(p.backends[0]!.error, 'SKJ_ERR_PROXY_BACKEND_TIMEOUT');
  assert.equal(p.errors.length, 1);
  assert.match(p.errors[0]!, /timed out/);
});

test('when the write timeout cuts first, the log still says 504 and the backend error is counted', async (t) => {
  const be = await silentBackend(t);
  // The response-header timeout far beyond the write timeout: only the listener's cut can end the wait.
  const p = await setup(t, be.url, { write: 300, headers: 60 * S });
  const c = await RawClient.open(t, p.port);
  c.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
  await c.closedByPeer();
  await until('request logged', () => p.requests.length === 1 && p.backends.length === 1);
  assert.equal(p.requests[0]!.status, 504);
  assert.equal(p.backends[0]!.error, 'SKJ_ERR_PROXY_BACKEND_TIMEOUT');
  await until('error logged', () => p.errors.length === 1);
  assert.match(p.errors[0]!, /write timeout/);
});

test('a backend closing mid-body is logged with the status sent and an error, and counted; never 499', async (t) => {
  const be = await listen(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('partial');
    setImmediate(() => res.socket!.destroy());
  });
  const p = await setup(t, be.url, { write: 60 * S, headers: 60 * S });
  const c = await RawClient.open(t, p.port);
  c.write('GET /cut HTTP/1.1\r\nHost: x\r\n\r\n');
  await c.closedByPeer();
  await until('request logged', () => p.requests.length === 1 && p.backends.length === 2);
  assert.equal(p.requests[0]!.status, 200, 'the status the client got');
  assert.equal(p.requests[0]!.completed, false);
  assert.equal(p.backends[0]!.error, undefined, 'the headers arrived');
  assert.equal(p.backends[1]!.error, 'SKJ_ERR_PROXY_BACKEND_CONNECT', 'the body failure is counted');
  assert.equal(p.errors.length, 1);
  assert.match(p.errors[0]!, /failed while streaming/);
});

test('a client that leaves is still a 499 and no backend error', async (t) => {
  const be = await silentBackend(t);
  const p = await setup(t, be.url, { write: 60 * S, headers: 60 * S });
  const c = await RawClient.open(t, p.port);
  c.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
  await until('the request reached the backend', () => be.sockets.length === 1);
  c.socket.destroy();
  await until('request logged', () => p.requests.length === 1);
  assert.equal(p.requests[0]!.status, 499);
  await until('attempt ended', () => p.backends.length <= 1);
  assert.ok(p.backends.every((b) => b.error === undefined || b.error === 'SKJ_ERR_PROXY_BAD_REQUEST'), JSON.stringify(p.backends));
  assert.deepEqual(p.errors, []);
});
