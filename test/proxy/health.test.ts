import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EndpointRegistry } from '../../src/loadbalancer/index.ts';
import type { FilterInstance } from '../../src/routing/filter-contract.ts';
import { fadeIn } from '../../src/filters/lb/fade-in.ts';
import { echoBackend, get, makeTable, startProxy, TestHolder, refusingEndpoint } from './harness.ts';

test('passive health check: an endpoint that keeps failing is mostly left out', async (t) => {
  const good = await echoBackend(t, 'good');
  const bad = await refusingEndpoint();
  const badHost = new URL(bad).host;
  const registry = new EndpointRegistry();
  const attempts: string[] = [];
  const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints: [good.url, bad] } }], {
    endpoints: registry,
    passiveHealthCheck: { periodMs: 3_600_000, minRequests: 10, minDropProbability: 0.1, maxDropProbability: 0.9, maxUnhealthyEndpointsRatio: 1 },
  }, { backendDone: (e) => attempts.push(e.backendHost) });
  t.after(() => registry.close());

  const round = async (n: number): Promise<number> => {
    attempts.length = 0;
    for (let i = 0; i < n; i++) assert.equal((await get(`${url}/`)).status, 200, 'retries hide the failing endpoint');
    return attempts.filter((h) => h === badHost).length;
  };
  const before = await round(40);
  assert.ok(before >= 15, `round robin tries the bad endpoint about half the time: ${before}`);
  registry.evaluateHealth(); // end of a period
  assert.equal(registry.get(badHost).dropProbability, 0.9);
  const after = await round(200);
  // Dropped 90% of the time, and round robin picks it in half of the rest: about 10 of 200.
  assert.ok(after < 40, `bad endpoint rarely tried once unhealthy: ${after} of 200`);
});

test('fadeIn through the proxy: a new endpoint ramps up while an old one takes the rest', async (t) => {
  const old = await echoBackend(t, 'old');
  const fresh = await echoBackend(t, 'fresh');
  let now = 1_000_000_000_000;
  const registry = new EndpointRegistry(() => now);
  const spec = (endpoints: string[]) => [{ id: 'lb', filters: [fadeIn.create(['60s']) as FilterInstance], backend: { algorithm: 'roundRobin', endpoints } }];
  const holder = new TestHolder(makeTable(spec([old.url])));
  const { url } = await startProxy(t, holder, { endpoints: registry });
  await get(`${url}/`); // observe generation 1: "old" detected at t0
  now += 600_000;
  holder.swap(makeTable(spec([old.url, fresh.url])));
  await get(`${url}/`); // the first request on generation 2 observes it: "fresh" detected now
  now += 6_000; // fresh is 10% into its fade-in
  const count = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const b = String((await get(`${url}/`)).headers['x-backend']);
    count.set(b, (count.get(b) ?? 0) + 1);
  }
  assert.ok((count.get('fresh') ?? 0) < 60, `fresh endpoint gets a small share: ${[...count]}`);
  assert.ok((count.get('fresh') ?? 0) > 0, 'but some');
  now += 120_000; // fade-in over
  count.clear();
  for (let i = 0; i < 100; i++) {
    const b = String((await get(`${url}/`)).headers['x-backend']);
    count.set(b, (count.get(b) ?? 0) + 1);
  }
  assert.equal(count.get('fresh'), 50, `round robin again: ${[...count]}`);
});

test('teeLoopback: a shadow copy is routed on the same table and its response discarded', async (t) => {
  const shadowSeen: string[] = [];
  const shadow = await echoBackend(t, 'shadow');
  const main = await echoBackend(t, 'main');
  const tee: FilterInstance = {
    name: 'teeLoopback',
    request: (ctx) => ctx.loopbackShadow({ method: 'GET', path: '/shadow', rawQuery: '', headers: { ...ctx.request.headers, 'x-shadow': '1' }, body: null }),
  };
  const probe: FilterInstance = { name: 'probe', request: (ctx) => void shadowSeen.push(ctx.routeId) };
  const { url, holder } = await startProxy(t, [
    { id: 'shadowRoute', match: (r) => r.path === '/shadow', filters: [probe], backend: shadow.url },
    { id: 'main', filters: [tee], backend: main.url },
  ]);
  const r = await get(`${url}/x`);
  assert.equal(r.headers['x-backend'], 'main');
  while (holder.pinned() !== 0) await new Promise((res) => setTimeout(res, 5));
  assert.deepEqual(shadowSeen, ['shadowRoute']);
});

test('teeLoopback into its own route stops at maxLoopbacks instead of recursing', async (t) => {
  let shadows = 0;
  const be = await echoBackend(t, 'main');
  const tee: FilterInstance = {
    name: 'teeLoopback',
    request: (ctx) => {
      if (ctx.request.headers['x-shadow'] !== undefined) shadows++;
      ctx.loopbackShadow({ method: 'GET', path: '/', rawQuery: '', headers: { ...ctx.request.headers, 'x-shadow': '1' }, body: null });
    },
  };
  const { url, holder } = await startProxy(t, [{ id: 'self', filters: [tee], backend: be.url }], { maxLoopbacks: 4 });
  assert.equal((await get(`${url}/`)).status, 200);
  while (holder.pinned() !== 0) await new Promise((res) => setTimeout(res, 5));
  assert.equal(shadows, 4);
});
