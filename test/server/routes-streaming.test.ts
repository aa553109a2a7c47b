import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSupportServer } from '../../src/server/support.ts';
import { Health } from '../../src/server/health.ts';
import { RoutesView } from '../../src/server/routes-view.ts';
import { parse, type RouteDef } from '../../src/eskip/index.ts';
import { createRemoteUrlSource } from '../../src/dataclients/remote-url.ts';
import type { RouteSourceUpdate } from '../../src/dataclients/types.ts';

const N = 50_000;

function table(n: number): RouteDef[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`r${i}: Host("h${i % 97}.example.org") && Path("/p/${i}") -> setResponseHeader("X-N", "${i}") -> inlineContent("${i}") -> <shunt>;`);
  return parse(lines.join('\n'));
}

async function start(t: import('node:test').TestContext) {
  const view = new RoutesView();
  const server = createSupportServer({ health: new Health(), routes: view, metrics: async () => ({ text: '', contentType: 'text/plain' }) });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { view, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** GET with node:http, counting the body's chunks as they arrive. */
function getChunks(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; chunks: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks: parts.length, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

test(`/routes streams ${N} routes in chunks that parse back; offset/limit page; ETag and 304 per page`, async (t) => {
  const { view, base } = await start(t);
  const defs = table(N);
  view.update({ generation: 1, routes: defs, invalid: [{ id: 'bad', reason: 'unknown_filter', message: 'route bad: unknown filter nope' }] });

  const all = await getChunks(`${base}/routes`);
  assert.equal(all.status, 200);
  assert.equal(all.headers['transfer-encoding'], 'chunked');
  assert.equal(all.headers['content-length'], undefined);
  assert.equal(all.headers['x-count'], String(N));
  assert.ok(all.chunks > 1, `arrived in ${all.chunks} chunks`);
  const back = parse(all.body);
  assert.equal(back.length, N);
  assert.deepEqual(back[12_345], { ...defs[12_345], pos: back[12_345]!.pos });
  assert.ok(all.body.endsWith('\n// invalid route "bad" (unknown_filter): route bad: unknown filter nope\n'), 'invalid routes trail as comments');
  const etag = String(all.headers.etag);
  assert.equal((await getChunks(`${base}/routes`, { 'if-none-match': etag })).status, 304);

  const page = await getChunks(`${base}/routes?offset=100&limit=50`);
  assert.equal(page.headers['x-count'], String(N), 'X-Count is all valid routes, as in Skipper');
  assert.deepEqual(parse(page.body).map((r) => r.id), defs.slice(100, 150).map((r) => r.id));
  assert.ok(!page.body.includes('invalid route'), 'invalid routes come after the last page only');
  const pageTag = String(page.headers.etag);
  assert.notEqual(pageTag, etag);
  assert.equal((await getChunks(`${base}/routes?offset=100&limit=50`, { 'if-none-match': pageTag })).status, 304);
  assert.equal((await getChunks(`${base}/routes?offset=150&limit=50`, { 'if-none-match': pageTag })).status, 200);

  const last = await getChunks(`${base}/routes?offset=${N - 2}`);
  assert.deepEqual(parse(last.body).map((r) => r.id), [`r${N - 2}`, `r${N - 1}`]);
  assert.ok(last.body.includes('invalid route "bad"'));
  assert.equal((await getChunks(`${base}/routes?offset=${N + 5}`)).body, '// invalid route "bad" (unknown_filter): route bad: unknown filter nope\n');

  const json = await getChunks(`${base}/routes?format=json&offset=3&limit=2`);
  const doc = JSON.parse(json.body) as { generation: number; routes: { id: string }[]; invalid: unknown[] };
  assert.deepEqual(doc.routes.map((r) => r.id), ['r3', 'r4']);
  assert.deepEqual(doc.invalid, []);
  const jsonAll = await getChunks(`${base}/routes`, { accept: 'application/json' });
  assert.ok(jsonAll.chunks > 1);
  assert.equal((JSON.parse(jsonAll.body) as { routes: unknown[] }).routes.length, N);

  for (const q of ['offset=-1', 'limit=x', 'offset=1e3']) assert.equal((await getChunks(`${base}/routes?${q}`)).status, 400, q);

  view.update({ generation: 2, routes: defs.slice(1), invalid: [] });
  assert.equal((await getChunks(`${base}/routes`, { 'if-none-match': etag })).status, 200, 'a new generation has a new tag');
});

test('a -routes-urls client reads a streamed table of routes, bounded by -max-route-source-bytes', async (t) => {
  const { view, base } = await start(t);
  const defs = table(N);
  view.update({ generation: 1, routes: defs, invalid: [] });
  const updates: RouteSourceUpdate[] = [];
  const source = createRemoteUrlSource(`${base}/routes`, { pollTimeoutMs: 60_000, maxBytes: 64 * 1024 * 1024 });
  t.after(() => source.stop());
  await source.start((u) => updates.push(u), () => {});
  assert.equal(updates[0]!.routes.length, N);
  assert.deepEqual(updates[0]!.routes.map((r) => r.id), defs.map((r) => r.id));
  assert.equal(updates[0]!.errors, undefined);

  const small = createRemoteUrlSource(`${base}/routes`, { pollTimeoutMs: 60_000, maxBytes: 100_000 });
  t.after(() => small.stop());
  await assert.rejects(small.start(() => {}, () => {}), (e: Error & { code?: string }) => e.code === 'SKJ_ERR_SOURCE_TOO_LARGE' && e.message.includes(`${base}/routes`));
});
