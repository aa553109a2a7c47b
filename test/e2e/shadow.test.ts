/** Shadow traffic: tee, teenf and teeLoopback with the Tee predicate, observed at real backends. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { backend, echo, rawServer, request, startProxy, until, type Received } from './harness.ts';

test('tee sends a copy (method, path, query, headers, body) to the shadow; the client gets the main response', async (t) => {
  const main = await backend(t, 'main');
  const shadow = await backend(t, 'shadow', undefined, '127.0.0.2');
  const p = await startProxy(t, `
    plain: Path("/api/items") -> tee("${shadow.url}/ignored") -> "${main.url}";
    rewrite: Path("/v1/items") -> tee("${shadow.url}", "^/v1/(.*)$", "/shadow/$1") -> "${main.url}";
  `);
  const body = 'x'.repeat(100_000);
  const r = await request(`${p.url}/api/items?a=1`, { method: 'POST', body, headers: { 'x-custom': 'c' } });
  assert.equal(r.headers['x-backend'], 'main');
  await until(() => shadow.received.length === 1, 'the shadow copy');
  const s = shadow.received[0]!;
  assert.deepEqual([s.method, s.url, s.headers['x-custom'], s.headers.host], ['POST', '/api/items?a=1', 'c', shadow.host]);
  assert.equal(s.body.toString(), body);
  assert.equal(main.received[0]!.body.toString(), body, 'the main backend got the whole body too');

  await request(`${p.url}/v1/items`, { method: 'PUT', body: 'b' });
  await until(() => shadow.received.length === 2, 'the rewritten shadow copy');
  assert.deepEqual([shadow.received[1]!.method, shadow.received[1]!.url, shadow.received[1]!.body.toString()], ['PUT', '/shadow/items', 'b']);
  assert.equal(main.received[1]!.url, '/v1/items', 'the rewrite only applies to the copy');
});

test('a failing or slow shadow never affects the main request', async (t) => {
  const main = await backend(t, 'main');
  const slow = await backend(t, 'slow', () => {}, '127.0.0.2');
  const p = await startProxy(t, `
    slow: Path("/slow") -> tee("${slow.url}") -> "${main.url}";
    dead: Path("/dead") -> tee("http://127.0.0.1:1") -> "${main.url}";
  `);
  assert.equal((await request(`${p.url}/slow`)).status, 200);
  assert.equal((await request(`${p.url}/dead`)).status, 200);
  await until(() => p.logs.some((l) => l.level === 'warn' && /tee: shadow request to http:\/\/127\.0\.0\.1:1\/dead failed/.test(l.message)), 'the shadow failure logged');
});

test('a shadow that never reads its body cannot hold up a large upload to the main backend', async (t) => {
  const main = await backend(t, 'main');
  let shadowSeen = 0;
  // Accepts the request and never reads the body: its socket fills up and stays full.
  const stuck = await rawServer(t, (req) => {
    shadowSeen++;
    req.pause();
  }, '127.0.0.2');
  const p = await startProxy(t, `r: * -> tee("${stuck.url}") -> "${main.url}";`);
  const body = Buffer.alloc(8 * 1024 * 1024, 'u');
  const r = await request(p.url, { method: 'POST', body });
  assert.equal(r.status, 200);
  assert.equal(main.received[0]!.body.length, body.length);
  await until(() => shadowSeen === 1, 'the shadow request to arrive');
});

test('tee follows redirects of the shadow backend, teenf does not', async (t) => {
  const main = await backend(t, 'main');
  const shadow = await backend(t, 'shadow', (req: Received, res: http.ServerResponse) => {
    if (req.url.endsWith('-target')) return echo('shadow')(req, res);
    res.writeHead(302, { location: `${req.url}-target` });
    res.end();
  }, '127.0.0.2');
  const p = await startProxy(t, `
    nf: Path("/nf") -> teenf("${shadow.url}") -> "${main.url}";
    f: Path("/f") -> tee("${shadow.url}") -> "${main.url}";
  `);
  await request(`${p.url}/nf`);
  await until(() => shadow.received.length === 1, 'the teenf copy');
  await request(`${p.url}/f`);
  await until(() => shadow.received.some((r) => r.url === '/f-target'), 'tee to follow the redirect');
  assert.deepEqual(shadow.received.map((r) => r.url).filter((u) => u.startsWith('/nf')), ['/nf']);
});

test('teeLoopback routes one copy to the Tee route; the copy is never copied again', async (t) => {
  const main = await backend(t, 'main');
  const shadow = await backend(t, 'shadow', undefined, '127.0.0.2');
  const p = await startProxy(t, `
    main: Path("/api") -> teeLoopback("mirror") -> "${main.url}";
    mirror: Path("/api") && Tee("mirror") -> teeLoopback("mirror") -> setPath("/mirrored") -> "${shadow.url}";
  `);
  const r = await request(`${p.url}/api?x=1`, { method: 'POST', body: 'payload', headers: { 'x-flow-id': 'f1f1f1f1f1' } });
  assert.equal(r.headers['x-backend'], 'main');
  await until(() => shadow.received.length === 1, 'the loopback copy');
  const s = shadow.received[0]!;
  assert.deepEqual([s.method, s.url, s.body.toString()], ['POST', '/mirrored?x=1', 'payload']);
  assert.equal(s.headers['x-tee-loopback-key'], 'mirror');
  assert.equal(s.headers['x-flow-id'], 'f1f1f1f1f1');
  assert.equal(main.received.length, 1);
  assert.equal(main.received[0]!.headers['x-tee-loopback-key'], undefined, 'the main request is not marked');

  // A second request: exactly one more copy, so the first copy did not loop.
  await request(`${p.url}/api`);
  await until(() => shadow.received.length === 2, 'the second copy');
  await request(`${p.url}/api`);
  await until(() => shadow.received.length === 3, 'the third copy');
  assert.equal(main.received.length, 3);
});

test('a teeLoopback copy keeps its table generation pinned until it ends', async (t) => {
  let finish!: () => void;
  const held = new Promise<void>((r) => (finish = r));
  const main = await backend(t, 'main');
  const shadow = await backend(t, 'shadow', (req, res) => void held.then(() => echo('shadow')(req, res)), '127.0.0.2');
  const p = await startProxy(t, `
    main: * -> teeLoopback("m") -> "${main.url}";
    mirror: Tee("m") -> "${shadow.url}";
  `);
  const gen1 = p.table;
  assert.equal((await request(p.url)).status, 200);
  await until(() => shadow.received.length === 1, 'the copy at the shadow');
  p.swap(`main: * -> "${main.url}";`);
  assert.equal(gen1.released, false, 'the copy still runs on generation 1');
  finish();
  await until(() => gen1.released, 'generation 1 to be released after the copy');
});
