/**
 * The rate-limit filters over real sockets: the proxy engine with the family registered as the composition
 * root registers it, real node:http backends, one fresh connection per request.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { parse, print } from '../../src/eskip/index.ts';
import { rateLimitFilters, rateLimitPreprocessor } from '../../src/filters/ratelimit/index.ts';
import { backendRateLimitGuard } from '../../src/roles/backend-ratelimit-guard.ts';
import { createRateLimitMetrics } from '../../src/metrics/ratelimit-metrics.ts';
import { InProcessLimiter } from '../../src/ratelimit/instance-limiter.ts';
import type { SwarmLeakyBucket, SwarmLimiter } from '../../src/ratelimit/ports.ts';
import { LimiterRegistry } from '../../src/ratelimit/registry.ts';
import { bucketsOfOne, closedPort, swarmOfOne, unreachableBuckets, unreachableStore } from '../support/swarm-limiters.ts';
import { backend, request, startProxy, type E2E } from './harness.ts';

interface Setup {
  swarm?: SwarmLimiter;
  leakyBucket?: SwarmLeakyBucket;
  maxGroupShards?: number;
  defaultLimit?: string;
}

async function proxyWith(t: TestContext, eskip: string, o: Setup = {}): Promise<E2E & { warnings: string[]; metrics: Registry }> {
  const warnings: string[] = [];
  const metrics = new Registry();
  const registry = new LimiterRegistry({
    instance: new InProcessLimiter(), swarm: o.swarm, leakyBucket: o.leakyBucket, maxGroupShards: o.maxGroupShards,
    metrics: createRateLimitMetrics(metrics), warn: (m) => warnings.push(m),
  });
  // The composition root's pre-processor: the -ratelimits default and ratelimitFailClosed placement.
  const text = print(rateLimitPreprocessor(o.defaultLimit ?? null)(parse(eskip)));
  const e = await startProxy(t, text, { filters: rateLimitFilters(registry, (m) => warnings.push(m)), proxy: { guard: [backendRateLimitGuard()] } });
  assert.deepEqual(e.table.invalid, [], 'every route builds');
  return Object.assign(e, { warnings, metrics });
}

async function statuses(url: string, n: number, headers: Record<string, string> = {}): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await request(url, { headers })).status);
  return out;
}

function repeat(v: number, n: number): number[] {
  return Array.from({ length: n }, () => v);
}

test('ratelimit(3, "1m"): exactly 3 reach the backend, then 429 with X-Rate-Limit and Retry-After; route updates keep the bucket', async (t) => {
  const b = await backend(t, 'b');
  const p = await proxyWith(t, `r: * -> ratelimit(3, "1m") -> "${b.url}";`);
  assert.deepEqual(await statuses(p.url, 3), repeat(200, 3));
  const refused = await request(p.url);
  assert.equal(refused.status, 429);
  assert.equal(refused.headers['x-rate-limit'], String(3 * 60), '3 per minute is 180 per hour');
  const retry = Number(refused.headers['retry-after']);
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${refused.headers['retry-after']} within the window`);
  assert.equal(refused.text, '');
  assert.equal(b.received.length, 3, 'refused requests never reach the backend');

  p.swap(`r: * -> setRequestHeader("X-New", "1") -> ratelimit(3, "1m") -> "${b.url}"; other: Path("/o") -> ratelimit(3, "1m") -> "${b.url}";`);
  assert.equal((await request(p.url)).status, 429, 'a new route table keeps the counts of equal settings');
  assert.equal((await request(`${p.url}/o`)).status, 429, 'equal settings on another route share the bucket, as Skipper');
});

test('ratelimit with a status argument; maxHits 0 refuses everything', async (t) => {
  const b = await backend(t, 'b');
  const p = await proxyWith(t, `a: Path("/a") -> ratelimit(2, "1m", 503) -> "${b.url}"; z: Path("/z") -> ratelimit(0, "1s") -> "${b.url}";`);
  assert.deepEqual(await statuses(`${p.url}/a`, 3), [200, 200, 503]);
  const z = await request(`${p.url}/z`);
  assert.equal(z.status, 429);
  assert.equal(z.headers['retry-after'], String(5 * 365 * 24 * 3600));
});

test('clientRatelimit separates clients by X-Forwarded-For, by a named header, and by a list of them', async (t) => {
  const b = await backend(t, 'b');
  const p = await proxyWith(t, `
    x: Path("/x") -> clientRatelimit(2, "1m") -> "${b.url}";
    h: Path("/h") -> clientRatelimit(2, "1m", "Authorization") -> "${b.url}";
    l: Path("/l") -> clientRatelimit(1, "1m", "X-Forwarded-For,Authorization") -> "${b.url}";
    d: Path("/d") -> localRatelimit(1, "1m") -> "${b.url}";`);
  assert.deepEqual(await statuses(`${p.url}/x`, 3, { 'x-forwarded-for': '10.0.0.1' }), [200, 200, 429]);
  assert.deepEqual(await statuses(`${p.url}/x`, 2, { 'x-forwarded-for': '10.0.0.2, 10.9.9.9' }), [200, 200], 'another client, its own bucket');
  assert.equal((await request(`${p.url}/x`, { headers: { 'x-forwarded-for': '10.0.0.1, 10.0.0.2' } })).status, 429, 'the first X-Forwarded-For address is the client');

  assert.deepEqual(await statuses(`${p.url}/h`, 3, { authorization: 'Bearer a' }), [200, 200, 429]);
  assert.equal((await request(`${p.url}/h`, { headers: { authorization: 'Bearer b' } })).status, 200);
  assert.deepEqual(await statuses(`${p.url}/h`, 4), repeat(200, 4), 'no Authorization header: no identity, not limited (as Skipper)');

  assert.deepEqual(await statuses(`${p.url}/l`, 2, { 'x-forwarded-for': '10.0.0.1', authorization: 'a' }), [200, 429]);
  assert.equal((await request(`${p.url}/l`, { headers: { 'x-forwarded-for': '10.0.0.1', authorization: 'b' } })).status, 200, 'same address, other token');
  assert.equal((await request(`${p.url}/l`, { headers: { 'x-forwarded-for': '10.0.0.3', authorization: 'a' } })).status, 200, 'same token, other address');

  assert.deepEqual(await statuses(`${p.url}/d`, 2), [200, 429], 'without X-Forwarded-For the peer address is the client');
  assert.match(p.warnings.join('\n'), /localRatelimit is deprecated/);
});

test('cluster limits without a swarm admit everything, as Skipper; with a swarm they count there', async (t) => {
  const b = await backend(t, 'b');
  const routes = `c: Path("/c") -> clusterRatelimit("g", 2, "1m") -> "${b.url}"; cc: Path("/cc") -> clusterClientRatelimit("login", 1, "1h") -> "${b.url}";`;
  const alone = await proxyWith(t, routes);
  assert.deepEqual(await statuses(`${alone.url}/c`, 5), repeat(200, 5));
  assert.deepEqual(await statuses(`${alone.url}/cc`, 3), repeat(200, 3));
  assert.match(alone.warnings.join('\n'), /rate limit group "g": no swarm/);

  const swarm = swarmOfOne();
  const p = await proxyWith(t, routes, { swarm });
  assert.deepEqual(await statuses(`${p.url}/c`, 3), [200, 200, 429]);
  assert.deepEqual(await statuses(`${p.url}/cc`, 2, { 'x-forwarded-for': '192.0.2.1' }), [200, 429]);
  const other = await request(`${p.url}/cc`, { headers: { 'x-forwarded-for': '192.0.2.2' } });
  assert.equal(other.status, 200);
  const refused = await request(`${p.url}/cc`, { headers: { 'x-forwarded-for': '192.0.2.2' } });
  assert.equal(refused.headers['x-rate-limit'], '1', '1 per hour');
});

test('-cluster-ratelimit-max-group-shards: the group is split into shards that together admit the limit', async (t) => {
  const b = await backend(t, 'b');
  const swarm = swarmOfOne();
  const p = await proxyWith(t, `c: * -> clusterRatelimit("g", 6, "1m") -> "${b.url}";`, { swarm, maxGroupShards: 4 });
  // 6 has divisors 3 and 2 within 4: three shards of 2, picked round-robin.
  const got = await statuses(p.url, 8);
  assert.deepEqual(got, [...repeat(200, 6), 429, 429]);
  const refused = await request(p.url);
  assert.equal(refused.headers['x-rate-limit'], String(6 * 60), 'the header announces the whole limit');
});

test('ratelimitFailClosed: with the store unreachable the route refuses, wherever the filter stands; others fail open', async (t) => {
  const b = await backend(t, 'b');
  const store = unreachableStore(await closedPort());
  const p = await proxyWith(t, `
    open: Path("/open") -> clusterRatelimit("g", 10, "1s") -> "${b.url}";
    closed: Path("/closed") -> clusterRatelimit("g", 10, "1s") -> ratelimitFailClosed() -> "${b.url}";`, { swarm: store });
  assert.deepEqual(await statuses(`${p.url}/open`, 3), repeat(200, 3));
  const closed = await request(`${p.url}/closed`);
  assert.equal(closed.status, 429);
  assert.ok(Number(closed.headers['retry-after']) >= 1);
  assert.equal(store.attempts, 4, 'every decision really tried the store');
  const text = await p.metrics.metrics();
  assert.match(text, /skipjack_ratelimit_decisions_total\{group="g",outcome="fallback"\} 3\b/);
  assert.match(text, /skipjack_ratelimit_decisions_total\{group="g",outcome="refused"\} 1\b/);
});

test('disableRatelimit exempts a route from the -ratelimits default; other routes share the default bucket', async (t) => {
  const b = await backend(t, 'b');
  const p = await proxyWith(t, `
    a: Path("/a") -> "${b.url}";
    b: Path("/b") -> "${b.url}";
    free: Path("/free") -> disableRatelimit() -> "${b.url}";`, { defaultLimit: 'type=service,max-hits=3,time-window=1m' });
  assert.deepEqual(await statuses(`${p.url}/a`, 2), [200, 200]);
  assert.deepEqual(await statuses(`${p.url}/b`, 2), [200, 429], 'one default bucket for all routes');
  assert.deepEqual(await statuses(`${p.url}/free`, 5), repeat(200, 5));
});

test('backendRatelimit: each endpoint admits its limit per window, checked per attempt; 503 after', async (t) => {
  const b1 = await backend(t, 'b1');
  const b2 = await backend(t, 'b2', undefined, '127.0.0.2');
  const routes = `r: * -> backendRatelimit("api", 2, "1m") -> <roundRobin, "${b1.url}", "${b2.url}">;`;
  const p = await proxyWith(t, routes, { swarm: swarmOfOne() });
  const got = await statuses(p.url, 6);
  assert.deepEqual(got.filter((s) => s === 200).length, 4, `two per endpoint: ${got}`);
  assert.equal(b1.received.length, 2);
  assert.equal(b2.received.length, 2);
  const refused = await request(p.url);
  assert.equal(refused.status, 503);
  assert.ok(refused.headers['retry-after'] !== undefined);

  const s429 = await proxyWith(t, `r: * -> backendRatelimit("api429", 1, "1m", 429) -> "${b1.url}";`, { swarm: swarmOfOne() });
  assert.deepEqual(await statuses(s429.url, 2), [200, 429]);

  const alone = await proxyWith(t, routes);
  assert.deepEqual(await statuses(alone.url, 6), repeat(200, 6), 'without a swarm, as Skipper: not limited');
});

test('bad arguments make only that route invalid', async (t) => {
  const b = await backend(t, 'b');
  const registry = new LimiterRegistry({ instance: new InProcessLimiter() });
  const bad = [
    'ratelimit()', 'ratelimit(1)', 'ratelimit("x", "1m")', 'ratelimit(1, "soon")', 'ratelimit(1, "0s")',
    'ratelimit(1, "1m", 1000)', 'clientRatelimit(1, "1m", "bad header")', 'clusterRatelimit(1, 2, "1m")',
    'clusterClientRatelimit("g", 1)', 'backendRatelimit("g", 1, "1m", "x")', 'ratelimitFailClosed(1)', 'disableRatelimit("x")',
  ];
  const eskip = [`ok: Path("/ok") -> ratelimit(1, 60) -> "${b.url}";`, ...bad.map((f, i) => `bad${i}: Path("/b${i}") -> ${f} -> "${b.url}";`)].join('\n');
  const e = await startProxy(t, eskip, { filters: rateLimitFilters(registry) });
  assert.equal(e.table.invalid.length, bad.length);
  for (const inv of e.table.invalid) assert.equal(inv.reason, 'invalid_filter_params', inv.message);
  assert.equal((await request(`${e.url}/ok`)).status, 200);
  assert.equal((await request(`${e.url}/ok`)).status, 429, 'a number window is seconds, as Skipper');
});

test('clusterLeakyBucketRatelimit: a bucket per expanded label; unresolved labels pass; only offered with a store', async (t) => {
  const b = await backend(t, 'b');
  const routes = `
    r: Path("/r") -> clusterLeakyBucketRatelimit("user-\${request.header.X-User}", 1, "1m", 2, 1) -> "${b.url}";
    big: Path("/big") -> clusterLeakyBucketRatelimit("big", 1, "1m", 1, 2) -> "${b.url}";
    fc: Path("/fc") -> ratelimitFailClosed() -> clusterLeakyBucketRatelimit("fc", 1, "1s", 1, 1) -> "${b.url}";`;
  const p = await proxyWith(t, routes, { leakyBucket: bucketsOfOne() });
  assert.deepEqual(await statuses(`${p.url}/r`, 3, { 'x-user': 'a' }), [200, 200, 429], 'capacity 2, leaking one a minute');
  const refused = await request(`${p.url}/r`, { headers: { 'x-user': 'a' } });
  const retry = Number(refused.headers['retry-after']);
  assert.ok(retry >= 59 && retry <= 60, `a full bucket leaks the one unit needed in 60 s, truncated: Retry-After ${retry}`);
  assert.equal((await request(`${p.url}/r`, { headers: { 'x-user': 'b' } })).status, 200, 'another label, another bucket');
  assert.deepEqual(await statuses(`${p.url}/r`, 4), repeat(200, 4), 'no X-User: the label does not resolve, admitted');
  const big = await request(`${p.url}/big`);
  assert.equal(big.status, 429);
  assert.equal(big.headers['retry-after'], undefined, 'an increment above the capacity never fits');

  const down = await proxyWith(t, routes.replace(/r: Path[^\n]*\n/, ''), { leakyBucket: unreachableBuckets(await closedPort()) });
  assert.equal((await request(`${down.url}/big`)).status, 429, 'refused before asking the store');
  const fc = await request(`${down.url}/fc`);
  assert.equal(fc.status, 429);
  assert.equal(fc.headers['retry-after'], '60', "Skipper's fail-closed minute");

  const none = await startProxy(t, routes, { filters: rateLimitFilters(new LimiterRegistry({ instance: new InProcessLimiter() })) });
  assert.ok(none.table.invalid.every((i) => i.reason === 'unknown_filter') && none.table.invalid.length === 3, 'unknown without a store, as Skipper');
});
