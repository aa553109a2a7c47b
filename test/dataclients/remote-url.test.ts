import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once, EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createRemoteUrlSource } from '../../src/dataclients/remote-url.ts';
import type { RouteSourceUpdate } from '../../src/dataclients/types.ts';

test('polls with If-None-Match; 304 delivers nothing, a new ETag delivers the new list', async (t) => {
  let body = 'a: * -> <shunt>;';
  let etag = '"v1"';
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers['if-none-match']);
    if (req.headers['if-none-match'] === etag) return res.writeHead(304).end();
    res.writeHead(200, { etag }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/routes`;
  const events = new EventEmitter();
  const source = createRemoteUrlSource(url, { pollTimeoutMs: 10_000, intervalMs: 30 });
  t.after(async () => {
    await source.stop();
    server.close();
  });
  const updates: RouteSourceUpdate[] = [];
  events.on('update', (u) => updates.push(u));
  await source.start((u) => events.emit('update', u), (e) => events.emit('error-report', e));
  assert.deepEqual(updates[0]!.routes.map((r) => r.id), ['a']);

  while (!seen.includes('"v1"')) await once(server, 'request');
  assert.equal(updates.length, 1, '304 delivered no update');

  body = 'b: * -> <shunt>;';
  etag = '"v2"';
  await once(events, 'update');
  assert.deepEqual(updates.at(-1)!.routes.map((r) => r.id), ['b']);

  // One broken route costs only itself (docs/reference/route-sources.md).
  body = 'b: * -> <shunt>; broken: * ->';
  etag = '"v3"';
  const [u] = (await once(events, 'update')) as [RouteSourceUpdate];
  assert.deepEqual(u.routes.map((r) => r.id), ['b']);
  assert.equal(u.errors?.[0]?.id, 'broken');
  assert.match(u.errors?.[0]?.message ?? '', /routes:1:\d+/);
});

test('an empty body keeps the last good routes; a document over -max-route-source-bytes is refused', async (t) => {
  let body = 'a: * -> <shunt>;';
  let n = 0;
  const server = createServer((_req, res) => {
    n++;
    // Chunked, so only counting while reading can catch the size.
    res.writeHead(200, { etag: `"${n}"`, 'transfer-encoding': 'chunked' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/routes`;
  const events = new EventEmitter();
  const source = createRemoteUrlSource(url, { pollTimeoutMs: 10_000, intervalMs: 30, maxBytes: 64 });
  t.after(async () => {
    await source.stop();
    server.close();
  });
  let updates = 0;
  events.on('update', () => updates++);
  await source.start((u) => events.emit('update', u), (e) => events.emit('error-report', e));
  assert.equal(updates, 1);
  body = '';
  const [empty] = (await once(events, 'error-report')) as [Error & { code?: string }];
  assert.match(empty.message, /empty \(0 bytes\).*keeping the last good 1 routes/);
  body = `a: * -> inlineContent("${'x'.repeat(100)}") -> <shunt>;`;
  for (;;) {
    const [err] = (await once(events, 'error-report')) as [Error & { code?: string }];
    if (err.code === 'SKJ_ERR_SOURCE_TOO_LARGE') {
      assert.match(err.message, /routes URL http:.*-max-route-source-bytes=64/);
      break;
    }
  }
  assert.equal(updates, 1, 'neither the empty nor the oversized document replaced the routes');
});

test('an unreachable URL fails start naming it', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  const source = createRemoteUrlSource(`http://127.0.0.1:${port}/r`, { pollTimeoutMs: 1000 });
  await assert.rejects(source.start(() => {}, () => {}), new RegExp(`127.0.0.1:${port}/r`));
  await source.stop();
});
