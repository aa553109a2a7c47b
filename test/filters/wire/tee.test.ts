import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { InvalidArgsError } from '../../../src/errors.ts';
import { splitBody } from '../../../src/filters/streams.ts';
import type { FilterSpec } from '../../../src/filters/types.ts';
import { teeSpec, teeSpecs } from '../../../src/filters/shadow/tee.ts';
import { HttpClients } from '../../../src/net/index.ts';

// The process owns its outgoing clients as a service; the tests share one and close it at the end.
const clients = new HttpClients();
after(() => clients.stop());
const [tee, teenf] = teeSpecs(clients) as [FilterSpec, FilterSpec];
import { TEE_LOOPBACK_HEADER, teeLoopback } from '../../../src/filters/shadow/tee-loopback.ts';
import { countingSource, makeContext, readAll, spin } from './context.ts';

/** A test that waits on sockets fails instead of hanging when the filter does nothing. */
const BOUNDED = { timeout: 10_000 };

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A shadow backend on 127.0.0.1 that records what it receives; stopped by the test. */
async function shadowServer(t: { after(fn: () => unknown): void }, handle?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean) {
  const seen: Seen[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(parts) });
      for (const w of waiters.splice(0)) w();
      if (handle === undefined || !handle(req, res)) res.end('shadow says hi');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  const port = (server.address() as AddressInfo).port;
  const waitFor = async (n: number): Promise<void> => {
    while (seen.length < n) await new Promise<void>((r) => waiters.push(r));
  };
  return { seen, port, base: `http://127.0.0.1:${port}`, waitFor };
}

test('splitBody copies every byte to the shadow in order', async () => {
  const parts = Array.from({ length: 20 }, (_, i) => Buffer.alloc(1000, i));
  const { main, shadow } = splitBody(Readable.from(parts), 1 << 20);
  const [a, b] = await Promise.all([readAll(main), readAll(shadow)]);
  assert.deepEqual(a, Buffer.concat(parts));
  assert.deepEqual(b, Buffer.concat(parts));
});

test('splitBody drops a stalled shadow instead of holding up the main body', async () => {
  const total = 4 * 1024 * 1024;
  const source = Readable.from((function* () { for (let i = 0; i < total / 4096; i++) yield Buffer.alloc(4096, 1); })());
  const { main, shadow } = splitBody(source, 64 * 1024);
  let shadowError: Error | null = null;
  shadow.on('error', (e) => { shadowError = e; });
  // Nobody reads the shadow; the main side must still get all 4 MiB.
  assert.equal((await readAll(main)).length, total);
  await spin(5);
  assert.ok(shadow.destroyed);
  assert.match(String(shadowError), /dropped/);
});

test('splitBody keeps back-pressure on the main side and drops the shadow when main closes early', async () => {
  const { source, pulled } = countingSource();
  const { main, shadow } = splitBody(source, 1 << 20);
  await new Promise((r) => main.once('readable', r));
  await spin();
  assert.ok(pulled() < 4 * 1024 * 1024, `pulled ${pulled()} bytes with nobody reading`);
  main.destroy();
  await spin(5);
  assert.ok(shadow.destroyed);
  assert.ok(source.destroyed);
});

test('tee sends a copy with method, path, query, headers and body to the shadow backend', BOUNDED, async (t) => {
  const shadow = await shadowServer(t);
  const body = Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]);
  const ctx = makeContext({
    method: 'POST',
    path: '/api/v1/items',
    rawQuery: 'x=1&y=2',
    host: 'main.example.org',
    headers: { 'content-type': 'application/json', 'content-length': '7', connection: 'keep-alive, x-hop', 'x-hop': 'h', 'x-keep': 'k', expect: '100-continue' },
    body,
  });
  tee.create([`${shadow.base}/ignored-path`]).request!(ctx);
  assert.equal((await readAll(ctx.request.body)).toString(), '{"a":1}', 'the main request keeps its body');
  await shadow.waitFor(1);
  const got = shadow.seen[0]!;
  assert.equal(got.method, 'POST');
  assert.equal(got.url, '/api/v1/items?x=1&y=2');
  assert.equal(got.headers.host, `127.0.0.1:${shadow.port}`);
  assert.equal(got.headers['x-keep'], 'k');
  assert.equal(got.headers['x-hop'], undefined);
  assert.equal(got.headers.expect, undefined);
  assert.equal(got.headers['content-type'], 'application/json');
  assert.equal(got.body.toString(), '{"a":1}');
});

test('tee rewrites the shadow path with a Go-style replacement', BOUNDED, async (t) => {
  const shadow = await shadowServer(t);
  const ctx = makeContext({ path: '/v1/users/42' });
  tee.create([shadow.base, '^/v1/(\\w+)', '/v2/$1']).request!(ctx);
  await shadow.waitFor(1);
  assert.equal(shadow.seen[0]!.url, '/v2/users/42');
  assert.equal(shadow.seen[0]!.method, 'GET');
});

test('tee follows redirects from the shadow, teenf does not', BOUNDED, async (t) => {
  const shadow = await shadowServer(t, (req, res) => {
    if (req.url !== '/start') return false;
    res.writeHead(302, { location: '/followed' }).end();
    return true;
  });
  tee.create([shadow.base]).request!(makeContext({ path: '/start' }));
  await shadow.waitFor(2);
  assert.deepEqual(shadow.seen.map((s) => s.url), ['/start', '/followed']);

  let done!: (e: Error | null) => void;
  const finished = new Promise<Error | null>((r) => { done = r; });
  teeSpec('teenf', { followRedirects: false, onDone: done, clients }).create([shadow.base]).request!(makeContext({ path: '/start' }));
  assert.equal(await finished, null);
  assert.deepEqual(shadow.seen.map((s) => s.url), ['/start', '/followed', '/start']);
  assert.equal(teenf.name, 'teenf');
});

test('an unreachable shadow only logs; the main request is unaffected', BOUNDED, async () => {
  let done!: (e: Error | null) => void;
  const finished = new Promise<Error | null>((r) => { done = r; });
  const ctx = makeContext({ method: 'PUT', body: Readable.from([Buffer.from('payload')]) });
  // Port 1 on loopback refuses connections.
  teeSpec('tee', { onDone: done, clients }).create(['http://127.0.0.1:1']).request!(ctx);
  assert.equal((await readAll(ctx.request.body)).toString(), 'payload');
  assert.notEqual(await finished, null);
  assert.match(ctx.logs[0]!.message, /tee: shadow request to http:\/\/127\.0\.0\.1:1\/ failed/);
});

test('tee validates arguments', () => {
  for (const spec of [tee, teenf]) {
    for (const bad of [[], [1], ['not a url'], ['ftp://x.example.org'], ['http://x', '^/a'], ['http://x', '(', 'b'], ['http://x', '^/a', 1], ['http://x', 'a', 'b', 'c']]) {
      assert.throws(() => spec.create(bad), InvalidArgsError, JSON.stringify(bad));
    }
  }
});

test('teeLoopback hands a labelled copy with the body to the loopback', async () => {
  const ctx = makeContext({ method: 'POST', path: '/p', rawQuery: 'q=1', headers: { 'x-a': ['1', '2'] }, body: Readable.from([Buffer.from('data')]) });
  teeLoopback.create(['test-A']).request!(ctx);
  assert.equal(ctx.shadows.length, 1);
  const s = ctx.shadows[0]!;
  assert.equal(s.method, 'POST');
  assert.equal(s.path, '/p');
  assert.equal(s.rawQuery, 'q=1');
  assert.equal(s.headers[TEE_LOOPBACK_HEADER], 'test-A');
  assert.equal(ctx.request.headers[TEE_LOOPBACK_HEADER], undefined, 'the main request is not labelled');
  (s.headers['x-a'] as string[]).push('3');
  assert.deepEqual(ctx.request.headers['x-a'], ['1', '2'], 'headers are copied, not shared');
  const [main, copy] = await Promise.all([readAll(ctx.request.body), readAll(s.body)]);
  assert.equal(main.toString(), 'data');
  assert.equal(copy.toString(), 'data');
});

test('teeLoopback does not copy a request that already carries its label', () => {
  const ctx = makeContext({ headers: { [TEE_LOOPBACK_HEADER]: 'test-A' } });
  teeLoopback.create(['test-A']).request!(ctx);
  assert.equal(ctx.shadows.length, 0);
  const other = makeContext({ headers: { [TEE_LOOPBACK_HEADER]: 'test-B' } });
  teeLoopback.create(['test-A']).request!(other);
  assert.equal(other.shadows.length, 1);
  for (const bad of [[], [''], [1]]) assert.throws(() => teeLoopback.create(bad), InvalidArgsError);
});
