import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createSupportServer } from '../../src/server/support.ts';
import { Health } from '../../src/server/health.ts';
import { RoutesView } from '../../src/server/routes-view.ts';
import { parse } from '../../src/eskip/index.ts';

async function start(t: import('node:test').TestContext) {
  const health = new Health();
  const view = new RoutesView();
  const server = createSupportServer({ health, routes: view, metrics: async () => ({ text: 'skipjack_x 1\n', contentType: 'text/plain; version=0.0.4' }) });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { health, view, base };
}

test('/routes serves eskip with an ETag, 304 on If-None-Match, JSON with invalid routes', async (t) => {
  const { view, base } = await start(t);
  const defs = parse('a: Path("/a") -> <shunt>;\nb: Host("x") -> "http://127.0.0.1:1";');
  view.update({ generation: 3, routes: defs, invalid: [{ id: 'c', reason: 'unknown_filter', message: 'route c: unknown filter nope' }] });
  const r1 = await fetch(`${base}/routes`);
  const text = await r1.text();
  assert.equal(r1.status, 200);
  assert.equal(r1.headers.get('x-count'), '2');
  const etag = r1.headers.get('etag');
  assert.ok(etag);
  assert.deepEqual(parse(text).map((d) => d.id), ['a', 'b'], 'valid routes parse back; invalid ones are comments');
  assert.match(text, /\/\/ invalid route "c" \(unknown_filter\)/);

  const r2 = await fetch(`${base}/routes`, { headers: { 'if-none-match': etag } });
  assert.equal(r2.status, 304);

  const r3 = await fetch(`${base}/routes?format=json`);
  const json = await r3.json() as { generation: number; routes: { id: string }[]; invalid: { id: string; reason: string }[] };
  assert.equal(json.generation, 3);
  assert.deepEqual(json.routes.map((r) => r.id), ['a', 'b']);
  assert.deepEqual(json.invalid, [{ id: 'c', reason: 'unknown_filter', message: 'route c: unknown filter nope' }]);

  view.update({ generation: 4, routes: defs.slice(0, 1), invalid: [] });
  const r4 = await fetch(`${base}/routes`, { headers: { 'if-none-match': etag } });
  assert.equal(r4.status, 200, 'a changed table has a new ETag');
  assert.notEqual(r4.headers.get('etag'), etag);
  await r4.text();
});

test('/healthz turns 503 when draining; /metrics; unknown paths 404', async (t) => {
  const { health, base } = await start(t);
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  health.markDraining();
  assert.equal((await fetch(`${base}/healthz`)).status, 503);
  assert.equal(await (await fetch(`${base}/metrics`)).text(), 'skipjack_x 1\n');
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});
