/** Route selection through the whole stack: eskip text in, the chosen backend observed over HTTP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, echoed, request, startProxy } from './harness.ts';

/** Each route tags its responses, so the client sees which route served. */
const tag = (id: string): string => `setResponseHeader("X-Route", "${id}")`;

test('path tree: exact beats wildcard beats subtree; routes without a path only when the tree has no match', async (t) => {
  const exact = await backend(t, 'exact');
  const wild = await backend(t, 'wild');
  const sub = await backend(t, 'sub', undefined, '127.0.0.2');
  const any = await backend(t, 'any', undefined, '127.0.0.3');
  const p = await startProxy(t, `
    exact: Path("/a/b") -> "${exact.url}";
    wild: Path("/a/:x") -> setRequestHeader("X-Param", "\${x}") -> "${wild.url}";
    sub: PathSubtree("/a") -> setRequestHeader("X-Rest", "\${*}") -> "${sub.url}";
    // More predicates than any tree route, yet only consulted when the tree has no match.
    any: Header("X-Any", "1") && Method("GET") -> "${any.url}";
  `);
  const cases: [string, string][] = [['/a/b', 'exact'], ['/a/c', 'wild'], ['/a/c/d', 'sub'], ['/a', 'sub'], ['/a/', 'sub']];
  for (const [path, want] of cases) {
    const r = await request(p.url + path, { headers: { 'x-any': '1' } });
    assert.equal(r.headers['x-backend'], want, path);
  }
  assert.equal(echoed(await request(`${p.url}/a/c`)).headers['x-param'], 'c');
  assert.equal((await request(`${p.url}/zzz`, { headers: { 'x-any': '1' } })).headers['x-backend'], 'any');
  const miss = await request(`${p.url}/zzz`);
  assert.equal(miss.status, 404);
  assert.equal(miss.text, 'Not Found\n');
  assert.equal(exact.received.length + wild.received.length + sub.received.length + any.received.length, 7);
});

test('a route in the tree whose other predicates fail falls back to the next path match', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    exactPost: Path("/a/b") && Method("POST") -> ${tag('exactPost')} -> "${be.url}";
    wild: Path("/a/:x") -> ${tag('wild')} -> "${be.url}";
  `);
  assert.equal((await request(`${p.url}/a/b`, { method: 'POST' })).headers['x-route'], 'exactPost');
  assert.equal((await request(`${p.url}/a/b`)).headers['x-route'], 'wild');
});

test('within one path: more predicates win, Weight adds to the count, Host/Method/Header decide', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    plain: Path("/x") -> ${tag('plain')} -> "${be.url}";
    post: Path("/x") && Method("POST") -> ${tag('post')} -> "${be.url}";
    postHeader: Path("/x") && Method("POST") && Header("X-A", "1") -> ${tag('postHeader')} -> "${be.url}";
    host: Path("/x") && Host(/^api[.]example[.]org$/) -> ${tag('host')} -> "${be.url}";
    weighted: Path("/x") && Header("X-W", "1") && Weight(5) -> ${tag('weighted')} -> "${be.url}";
  `);
  const route = async (method: string, headers: Record<string, string> = {}): Promise<unknown> =>
    (await request(`${p.url}/x`, { method, headers })).headers['x-route'];
  assert.equal(await route('GET'), 'plain');
  assert.equal(await route('POST'), 'post');
  assert.equal(await route('POST', { 'x-a': '1' }), 'postHeader');
  assert.equal(await route('GET', { host: 'api.example.org' }), 'host');
  // As in Skipper the regexp sees the whole Host header, port included.
  assert.equal(await route('GET', { host: 'api.example.org:8080' }), 'plain');
  assert.equal(await route('GET', { host: 'other.example.org' }), 'plain');
  // Weight(5) + 1 predicate outranks Method + Header (2 predicates).
  assert.equal(await route('POST', { 'x-a': '1', 'x-w': '1' }), 'weighted');
});

test('an invalid route is reported with its reason while every other route serves', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    good: Path("/good") -> "${be.url}";
    unknownFilter: Path("/bad1") -> noSuchFilter() -> "${be.url}";
    badArgs: Path("/bad2") -> setPath(1, 2) -> "${be.url}";
    unknownPredicate: NoSuchPredicate("x") -> "${be.url}";
    badPredicateArgs: Path("/bad3") && ContentLengthBetween(10, 1) -> "${be.url}";
    fallback: PathSubtree("/") -> status(418) -> <shunt>;
  `);
  const reasons = Object.fromEntries(p.table.invalid.map((i) => [i.id, i.reason]));
  assert.deepEqual(reasons, {
    unknownFilter: 'unknown_filter',
    badArgs: 'invalid_filter_params',
    unknownPredicate: 'unknown_predicate',
    badPredicateArgs: 'invalid_predicate_params',
  });
  for (const inv of p.table.invalid) assert.match(inv.message, new RegExp(inv.id), 'the message names the route');
  assert.deepEqual(p.table.routes.map((r) => r.id).sort(), ['fallback', 'good']);
  assert.equal((await request(`${p.url}/good`)).status, 200);
  // The invalid routes' paths fall through to what is left.
  for (const path of ['/bad1', '/bad2', '/bad3']) assert.equal((await request(p.url + path)).status, 418, path);
  assert.equal(be.received.length, 1);
});

test('<loopback>: setPath then a second route serves; path params and response filters of both routes apply', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    outer: Path("/outer/:id") -> setResponseHeader("X-Outer", "o") -> setPath("/inner") -> <loopback>;
    inner: Path("/inner") -> setRequestHeader("X-Id", "\${id}") -> ${tag('inner')} -> "${be.url}";
  `);
  const r = await request(`${p.url}/outer/42?q=1`);
  assert.equal(r.headers['x-route'], 'inner');
  assert.equal(r.headers['x-outer'], 'o', 'the outer route\'s response filters run after the inner route\'s');
  const e = echoed(r);
  assert.equal(e.url, '/inner?q=1');
  assert.equal(e.headers['x-id'], '42');
});

test('a loopback chain longer than -max-loopbacks is answered 500 without reaching a backend', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    loop: Path("/loop") -> appendRequestHeader("X-Hop", "1") -> <loopback>;
    hop1: Path("/h1") -> setPath("/h2") -> <loopback>;
    hop2: Path("/h2") -> setPath("/h3") -> <loopback>;
    hop3: Path("/h3") -> "${be.url}";
  `, { proxy: { maxLoopbacks: 2 } });
  const r = await request(`${p.url}/loop`);
  assert.equal(r.status, 500);
  assert.equal(r.text, 'Internal Server Error\n');
  assert.ok(p.logs.some((l) => l.level === 'error' && /loopbacks/.test(l.message)), 'the failure is logged');
  // Exactly two loopbacks are allowed: /h1 -> /h2 -> /h3 reaches the backend.
  assert.equal((await request(`${p.url}/h1`)).status, 200);
  assert.equal(be.received.length, 1);
  assert.equal(be.received[0]!.url, '/h3');
});

test('-max-loopbacks 0 means the default (9) and a negative value means none, as in Skipper', async (t) => {
  const be = await backend(t, 'be');
  const routes = `
    outer: Path("/outer") -> setPath("/inner") -> <loopback>;
    inner: Path("/inner") -> "${be.url}";
  `;
  const none = await startProxy(t, routes, { proxy: { maxLoopbacks: -1 } });
  assert.equal((await request(`${none.url}/outer`)).status, 500);
  const zero = await startProxy(t, routes, { proxy: { maxLoopbacks: 0 } });
  assert.equal((await request(`${zero.url}/outer`)).status, 200);
});
