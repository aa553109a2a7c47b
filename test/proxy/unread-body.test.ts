/**
 * Request bodies the exchange left unread, over raw sockets so that each byte's timing is the test's: the
 * rest is drained up to MAX_DRAIN_BYTES after the response and the connection carries the next request;
 * beyond that, or when the rest is known to be too large when the headers go out, the connection closes.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { FilterContext } from '../../src/routing/filter-contract.ts';
import { MAX_DRAIN_BYTES } from '../../src/proxy/unread-body.ts';
import { listen, startProxy } from './harness.ts';
import { RawClient } from './raw-client.ts';

function chunk(size: number): Buffer {
  return Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), Buffer.alloc(size, 'b'), Buffer.from('\r\n')]);
}

/** A backend that answers 413 as soon as the headers arrive, never reading the body. */
async function earlyBackend(t: TestContext): Promise<string> {
  return (await listen(t, (_req, res) => {
    res.writeHead(413, { 'content-type': 'text/plain', 'content-length': '7' });
    res.end('too big');
  })).url;
}

const served = (ctx: FilterContext): void => ctx.serve({ status: 200, headers: { 'content-length': '2' }, body: Readable.from([Buffer.from('ok')]) });

async function proxy(t: TestContext): Promise<number> {
  const be = await earlyBackend(t);
  const p = await startProxy(t, [
    { id: 'ok', match: (r) => r.path === '/ok', filters: [{ name: 'ok', request: served }], backend: '<shunt>' },
    { id: 'early', backend: be },
  ]);
  return p.port;
}

test('the unread rest of a body, up to the cap, is drained after the response and the connection is reused', async (t) => {
  const c = await RawClient.open(t, await proxy(t));
  c.write('POST /early HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n');
  c.write(chunk(1024));
  const first = await c.response();
  assert.match(first!.head, /^HTTP\/1.1 413/);
  assert.doesNotMatch(first!.head, /connection: close/i, 'a chunked rest is unknown when the headers go out');
  // The rest arrives after the answer: the proxy reads it off the wire and keeps the connection.
  for (let sent = 0; sent < MAX_DRAIN_BYTES - 64 * 1024; sent += 16 * 1024) c.write(chunk(16 * 1024));
  c.write('0\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n');
  const second = await c.response();
  assert.ok(second !== null, 'the connection carried the next request');
  assert.match(second.head, /^HTTP\/1.1 200/);
});

test('a rest larger than the cap closes the connection after the answer', async (t) => {
  const c = await RawClient.open(t, await proxy(t));
  c.write('POST /early HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n');
  c.write(chunk(1024));
  assert.match((await c.response())!.head, /^HTTP\/1.1 413/);
  for (let sent = 0; sent < 2 * MAX_DRAIN_BYTES; sent += 16 * 1024) c.write(chunk(16 * 1024));
  c.write('0\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n');
  assert.equal(await c.response(), null, 'no second response: the connection closed');
});

test('a Content-Length rest known to exceed the cap: the answer says Connection: close, then the connection closes', async (t) => {
  const c = await RawClient.open(t, await proxy(t));
  const size = 8 * 1024 * 1024;
  c.write(`POST /early HTTP/1.1\r\nHost: a\r\nContent-Length: ${size}\r\n\r\n`);
  c.write(Buffer.alloc(1024, 'b'));
  const first = await c.response();
  assert.match(first!.head, /^HTTP\/1.1 413/);
  assert.match(first!.head, /\r\nconnection: close/i);
  assert.equal(first!.body, 'too big');
  await c.closedByPeer();
});

test('a small Content-Length body answered early: no Connection: close, the connection is reused', async (t) => {
  const c = await RawClient.open(t, await proxy(t));
  c.write('POST /early HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n');
  c.write(Buffer.alloc(1000, 'b'));
  const first = await c.response();
  assert.doesNotMatch(first!.head, /connection: close/i);
  c.write(Buffer.alloc(19000, 'b'));
  c.write('GET /ok HTTP/1.1\r\nHost: a\r\n\r\n');
  assert.match((await c.response())!.head, /^HTTP\/1.1 200/);
});
