import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FilterContext, FilterInstance } from '../../src/routing/filter-contract.ts';
import { echoBackend, get, makeTable, startProxy, TestHolder } from './harness.ts';

const setPath = (p: string): FilterInstance => ({ name: 'setPath', request: (ctx: FilterContext) => void (ctx.request.path = p) });

test('network backend: request path and query are kept, the backend URL gives scheme and host only (as Skipper)', async (t) => {
  const be = await echoBackend(t);
  const { url } = await startProxy(t, [{ id: 'r', backend: `${be.url}/ignored-prefix` }]);
  const r = await get(`${url}/a/b%2Fc?x=1&y=%20`);
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).url, '/a/b%2Fc?x=1&y=%20');
  assert.equal(r.headers['x-backend'], 'echo');
});

test('no matching route is 404 with a short body', async (t) => {
  const { url } = await startProxy(t, [{ id: 'only', match: (r) => r.path === '/x', backend: '<shunt>' }]);
  const r = await get(`${url}/y`);
  assert.equal(r.status, 404);
  assert.equal(r.body, 'Not Found\n');
  assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
});

test('<shunt>: 404 with an empty body unless a filter sets the response', async (t) => {
  const status: FilterInstance = { name: 'status', response: (ctx) => void (ctx.response!.status = 418) };
  const { url } = await startProxy(t, [
    { id: 'teapot', match: (r) => r.path === '/tea', filters: [status], backend: '<shunt>' },
    { id: 'plain', backend: '<shunt>' },
  ]);
  const a = await get(`${url}/tea`);
  assert.equal(a.status, 418);
  const b = await get(`${url}/other`);
  assert.deepEqual([b.status, b.body], [404, '']);
});

test('<loopback>: the modified request is routed again on the same table; path params accumulate', async (t) => {
  const be = await echoBackend(t);
  const seen: string[] = [];
  const probe: FilterInstance = { name: 'probe', request: (ctx) => void seen.push(`${ctx.routeId}:${JSON.stringify(ctx.pathParams)}`) };
  const { url } = await startProxy(t, [
    { id: 'inner', match: (r) => r.path === '/inner', filters: [probe], backend: be.url, params: { b: '2' } },
    { id: 'outer', match: (r) => r.path === '/outer', filters: [setPath('/inner')], backend: '<loopback>', params: { a: '1' } },
  ]);
  const r = await get(`${url}/outer?q=1`);
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).url, '/inner?q=1');
  assert.deepEqual(seen, ['inner:{"a":"1","b":"2"}']);
});

test('<loopback> is bounded by maxLoopbacks: 500, and the count is exact', async (t) => {
  let runs = 0;
  const count: FilterInstance = { name: 'count', request: () => void runs++ };
  const { url } = await startProxy(t, [{ id: 'loop', filters: [count], backend: '<loopback>' }], { maxLoopbacks: 3 });
  const r = await get(`${url}/`);
  assert.equal(r.status, 500);
  assert.equal(r.body, 'Internal Server Error\n');
  assert.equal(runs, 4, 'the request and 3 loopbacks ran the route');
  runs = 0;
  const none = await startProxy(t, [{ id: 'loop', filters: [count], backend: '<loopback>' }], { maxLoopbacks: -1 });
  assert.equal((await get(`${none.url}/`)).status, 500);
  assert.equal(runs, 1, 'negative: no loopback at all (Skipper)');
});

test('<dynamic>: the URL a filter chose, else the request Host', async (t) => {
  const be = await echoBackend(t, 'dyn');
  const choose: FilterInstance = { name: 'setDynamicBackendUrl', request: (ctx) => void (ctx.dynamicBackendUrl = be.url) };
  const { url, port } = await startProxy(t, [
    { id: 'chosen', match: (r) => r.path === '/chosen', filters: [choose], backend: '<dynamic>' },
    { id: 'self', match: (r) => r.host.startsWith('127.0.0.1:' + be.port), backend: '<dynamic>' },
    { id: 'fallback', backend: '<shunt>' },
  ]);
  assert.equal((await get(`${url}/chosen`)).headers['x-backend'], 'dyn');
  const viaHost = await get(`${url}/any`, { headers: { host: `127.0.0.1:${be.port}` } });
  assert.equal(viaHost.headers['x-backend'], 'dyn');
  assert.notEqual(port, be.port);
});

test('<forward>: goes to the configured forward URL, 500 when none is configured', async (t) => {
  const be = await echoBackend(t, 'fwd');
  const a = await startProxy(t, [{ id: 'f', backend: '<forward>' }], { forwardBackendUrl: be.url });
  assert.equal((await get(`${a.url}/x`)).headers['x-backend'], 'fwd');
  const b = await startProxy(t, [{ id: 'f', backend: '<forward>' }]);
  assert.equal((await get(`${b.url}/x`)).status, 500);
});

test('LB backend reaches every endpoint', async (t) => {
  const backends = await Promise.all(['a', 'b', 'c'].map((n) => echoBackend(t, n)));
  const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints: backends.map((b) => b.url) } }]);
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add(String((await get(`${url}/`)).headers['x-backend']));
  assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
});

test('a request pins its table generation until it ends, even across a swap', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow: FilterInstance = { name: 'slow', request: () => gate };
  const old = makeTable([{ id: 'old', filters: [slow], backend: '<shunt>' }]);
  const holder = new TestHolder(old);
  const { url } = await startProxy(t, holder);
  const pending = get(`${url}/`);
  while (holder.pinned() === 0) await new Promise((r) => setImmediate(r));
  holder.swap(makeTable([{ id: 'new', backend: '<shunt>' }]));
  assert.equal(old.released, false, 'in use: not released');
  release();
  assert.equal((await pending).status, 404);
  assert.equal((await get(`${url}/`)).status, 404);
  assert.equal(old.released, true);
  assert.equal(holder.pinned(), 0);
});

test('consistentHash honours the consistentHashKey setting', async (t) => {
  const backends = await Promise.all(['a', 'b', 'c'].map((n) => echoBackend(t, n)));
  const key: FilterInstance = { name: 'consistentHashKey', request: (ctx) => void (ctx.settings.consistentHashKey = String(ctx.request.headers['x-user'])) };
  const { url } = await startProxy(t, [{ id: 'lb', filters: [key], backend: { algorithm: 'consistentHash', endpoints: backends.map((b) => b.url) } }]);
  const seen = new Map<string, Set<string>>();
  for (let i = 0; i < 60; i++) {
    const user = `user-${i % 6}`;
    const b = String((await get(`${url}/`, { headers: { 'x-user': user } })).headers['x-backend']);
    if (!seen.has(user)) seen.set(user, new Set());
    seen.get(user)!.add(b);
  }
  for (const [user, set] of seen) assert.equal(set.size, 1, `${user} always lands on one endpoint`);
});
