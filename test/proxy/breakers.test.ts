import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { breakersFromFlags } from '../../src/circuit/from-flags.ts';
import { breakerGuard } from '../../src/circuit/breaker-guard.ts';
import { BreakerRegistry } from '../../src/circuit/registry.ts';
import { consecutiveBreaker, disableBreaker, rateBreaker } from '../../src/filters/circuit/breakers.ts';
import { get, listen, makeTable, startProxy, TestHolder } from './harness.ts';

/** A backend on `host` whose answer status the test switches; counts what it sees. */
async function switchable(t: TestContext, host = '127.0.0.1'): Promise<{ url: string; hits: number; status: number }> {
  const b = { url: '', hits: 0, status: 500 };
  const server = http.createServer((req, res) => {
    b.hits++;
    req.resume();
    res.writeHead(b.status).end(String(b.status));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  t.after(() => new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  }));
  b.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return b;
}

function breakers(flags: string[] = [], enable = true) {
  return breakersFromFlags(enable, flags, null)!;
}

test('consecutiveBreaker: an open breaker answers 503 without the backend seeing requests; half-open then closes on success', async (t) => {
  const b = await switchable(t);
  // A test clock: the open timeout passes when the test says so, however slow the machine is.
  let clock = 0;
  const guard = breakerGuard(new BreakerRegistry([], () => clock));
  const { url } = await startProxy(t, [{ id: 'r', backend: b.url, filters: [consecutiveBreaker.create([3, '10s'])] }], { guard });
  for (let i = 0; i < 3; i++) assert.equal((await get(`${url}/`)).status, 500);
  assert.equal(b.hits, 3);
  const open = await get(`${url}/`);
  assert.equal(open.status, 503);
  assert.equal(open.headers['x-circuit-open'], 'true');
  assert.equal(open.body, 'Service Unavailable\n');
  for (let i = 0; i < 5; i++) assert.equal((await get(`${url}/`)).status, 503);
  assert.equal(b.hits, 3, 'the open breaker did not contact the backend');
  b.status = 200;
  clock += 9_999;
  assert.equal((await get(`${url}/`)).status, 503, 'still open before the timeout');
  clock += 2;
  assert.equal((await get(`${url}/`)).status, 200, 'the half-open probe');
  assert.equal(b.hits, 4, 'exactly one probe reached the backend');
  for (let i = 0; i < 5; i++) assert.equal((await get(`${url}/`)).status, 200, 'closed again');
});

test('a route update does not reset the breaker', async (t) => {
  const b = await switchable(t);
  const spec = () => [{ id: 'r', backend: b.url, filters: [consecutiveBreaker.create([2, '1h'])] }];
  const holder = new TestHolder(makeTable(spec()));
  const { url } = await startProxy(t, holder, { guard: breakers().guard });
  await get(`${url}/`);
  await get(`${url}/`);
  assert.equal((await get(`${url}/`)).status, 503);
  holder.swap(makeTable(spec()));
  assert.equal((await get(`${url}/`)).status, 503, 'a new route generation with equal settings finds the open breaker');
  assert.equal(b.hits, 2);
  holder.swap(makeTable([{ id: 'r', backend: b.url, filters: [disableBreaker.create([])] }]));
  b.status = 200;
  assert.equal((await get(`${url}/`)).status, 200, 'disableBreaker on the route turns it off');
});

test('-breaker per host: host settings override the global ones', async (t) => {
  const one = await switchable(t, '127.0.0.1');
  const two = await switchable(t, '127.0.0.2');
  const g = breakers(['type=consecutive,failures=5,timeout=1h', 'host=127.0.0.2,failures=1']);
  const { url } = await startProxy(t, [
    { id: 'one', match: (r) => r.path === '/one', backend: one.url },
    { id: 'two', match: (r) => r.path === '/two', backend: two.url },
  ], { guard: g.guard });
  assert.equal((await get(`${url}/two`)).status, 500);
  assert.equal((await get(`${url}/two`)).status, 503, 'one failure opens the 127.0.0.2 breaker');
  for (let i = 0; i < 4; i++) assert.equal((await get(`${url}/one`)).status, 500);
  assert.equal((await get(`${url}/one`)).status, 500, 'the global breaker needs five');
  assert.equal((await get(`${url}/one`)).status, 503);
  assert.equal(one.hits, 5);
  assert.equal(two.hits, 1);
});

test('rateBreaker opens on failures within its window', async (t) => {
  const b = await switchable(t);
  const { url } = await startProxy(t, [{ id: 'r', backend: b.url, filters: [rateBreaker.create([2, 4, '1h'])] }], { guard: breakers().guard });
  b.status = 200;
  await get(`${url}/`);
  b.status = 500;
  await get(`${url}/`);
  b.status = 200;
  await get(`${url}/`);
  b.status = 500;
  await get(`${url}/`);
  assert.equal((await get(`${url}/`)).status, 503);
});

test('retries and later requests skip an endpoint whose breaker is open', async (t) => {
  const bad = await switchable(t);
  const good = await switchable(t);
  good.status = 200;
  const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints: [bad.url, good.url] }, filters: [consecutiveBreaker.create([2, '1h'])] }], { guard: breakers().guard });
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await get(`${url}/`)).status);
  const hitsAtOpen = bad.hits;
  assert.equal(hitsAtOpen, 2, 'the bad endpoint saw exactly the failures that opened its breaker');
  for (let i = 0; i < 10; i++) assert.equal((await get(`${url}/`)).status, 200);
  assert.equal(bad.hits, hitsAtOpen, 'no request went to the open endpoint');
  assert.equal(statuses.filter((s) => s === 503).length, 0, 'an open endpoint is skipped, not answered 503');
});

test('a failed attempt replayed on the same backend counts as one failure, not two', async (t) => {
  // Every connection breaks before a response: each request is a reset, replayed once on a fresh connection
  // (network backends and single-endpoint LB routes), so the backend sees two sends per request.
  let sends = 0;
  const broken = await listen(t, (req) => {
    sends++;
    req.socket.destroy();
  });
  for (const backend of [broken.url, { algorithm: 'roundRobin', endpoints: [broken.url] }]) {
    sends = 0;
    const { url } = await startProxy(t, [{ id: 'r', backend, filters: [consecutiveBreaker.create([5, '1h'])] }], { guard: breakers().guard });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(`${url}/`)).status);
    assert.deepEqual(statuses, [502, 502, 502, 502, 502, 503], `${JSON.stringify(backend)}: five failed requests open consecutiveBreaker(5)`);
    assert.equal(sends, 10, 'each failed request was sent and replayed once; the open breaker sent nothing');
  }
});

test('without -enable-breakers or -breaker there is no registry, and breaker filters have no effect', () => {
  assert.equal(breakersFromFlags(false, [], null), null);
  assert.notEqual(breakersFromFlags(true, [], null), null);
  assert.notEqual(breakersFromFlags(false, ['failures=3'], null), null);
});
