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

  body = 'broken: * ->';
  etag = '"v3"';
  const [err] = (await once(events, 'error-report')) as [Error];
  assert.match(err.message, /routes:1:\d+/);
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
