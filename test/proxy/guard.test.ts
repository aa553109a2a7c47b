import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FilterInstance } from '../../src/filters/types.ts';
import { composeGuards, layerGuards, type AttemptInfo, type AttemptOutcome, type BackendGuard, type Refusal } from '../../src/proxy/guard.ts';
import { echoBackend, get, listen, refusingEndpoint, startProxy } from './harness.ts';

interface Seen {
  before: AttemptInfo[];
  after: Array<{ host: string; outcome: AttemptOutcome }>;
}

/** A guard that records what it is asked and told; `refuse` decides each attempt. */
function recorder(refuse: (a: AttemptInfo) => Refusal | undefined = () => undefined, async = false) {
  const seen: Seen = { before: [], after: [] };
  const guard: BackendGuard = {
    before(a) {
      seen.before.push(a);
      const r = refuse(a);
      return async ? new Promise((res) => setImmediate(() => res(r))) : r;
    },
    after(a, outcome) {
      seen.after.push({ host: a.backendHost, outcome });
    },
  };
  return { guard, seen };
}

const OPEN: Refusal = { code: 'SKJ_ERR_PROXY_BREAKER_OPEN', status: 503, reason: 'breaker open', headers: { 'X-Circuit-Open': 'true' } };

test('the guard is asked before every attempt, retries included, and told each outcome', async (t) => {
  const good = await echoBackend(t, 'good');
  const bad = await refusingEndpoint();
  const { guard, seen } = recorder();
  const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints: [bad, good.url] } }], { guard });
  for (let i = 0; i < 4; i++) assert.equal((await get(`${url}/`)).status, 200);
  const badHost = new URL(bad).host;
  const goodHost = new URL(good.url).host;
  assert.ok(seen.before.some((a) => a.backendHost === badHost), 'the refusing endpoint was asked about');
  assert.ok(seen.before.some((a) => a.attempt === 1 && a.backendHost === goodHost), 'the retry on the other endpoint was asked about');
  assert.equal(seen.after.length, seen.before.length, 'every before is paired with one after');
  assert.ok(seen.after.some((e) => e.host === badHost && e.outcome.error === 'SKJ_ERR_PROXY_BACKEND_CONNECT'));
  assert.ok(seen.after.some((e) => e.host === goodHost && e.outcome.status === 200));
  assert.ok(seen.before.every((a) => a.routeId === 'lb' && a.method === 'GET'));
});

for (const async of [false, true]) {
  test(`a refusal (${async ? 'async' : 'sync'}) answers with its status and headers and the backend is not contacted`, async (t) => {
    let hits = 0;
    const b = await listen(t, (_req, res) => {
      hits++;
      res.end('ok');
    });
    const { guard, seen } = recorder(() => OPEN, async);
    const { url } = await startProxy(t, [{ id: 'r', backend: b.url }], { guard });
    const r = await get(`${url}/`);
    assert.equal(r.status, 503);
    assert.equal(r.headers['x-circuit-open'], 'true');
    assert.equal(r.body, 'Service Unavailable\n');
    assert.equal(hits, 0);
    assert.equal(seen.after.length, 0, 'a refused attempt has no outcome');
  });
}

test('a replay on the same endpoint after a broken connection is one guard pass, told the final outcome', async (t) => {
  let calls = 0;
  const flaky = await listen(t, (req, res) => {
    calls++;
    if (calls % 2 === 1) return void req.socket.destroy(); // every other request: reset before any response
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  for (const backend of [flaky.url, { algorithm: 'roundRobin', endpoints: [flaky.url] }]) {
    calls = 0;
    const { guard, seen } = recorder();
    const { url } = await startProxy(t, [{ id: 'r', backend }], { guard });
    assert.equal((await get(`${url}/`)).status, 200);
    assert.equal(calls, 2, 'the reset send was replayed');
    assert.equal(seen.before.length, 1, 'asked once for the request and its replay');
    assert.deepEqual(seen.after.map((a) => a.outcome.status), [200], 'told once, with the outcome of the replay');
  }
});

test('an LB route moves on past a refused endpoint; all refused answers the refusal', async (t) => {
  const a = await echoBackend(t, 'a');
  const b = await echoBackend(t, 'b');
  const aHost = new URL(a.url).host;
  const { guard } = recorder((x) => (x.backendHost === aHost ? OPEN : undefined));
  const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints: [a.url, b.url] } }], { guard });
  for (let i = 0; i < 6; i++) {
    const r = await get(`${url}/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-backend'], 'b');
  }
  const all = recorder(() => OPEN);
  const p2 = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints: [a.url, b.url] } }], { guard: all.guard });
  assert.equal((await get(`${p2.url}/`)).status, 503);
  assert.equal(new Set(all.seen.before.map((x) => x.backendHost)).size, 2, 'both endpoints were asked before giving up');
});

test('a timeout is reported as one', async (t) => {
  const slow = await listen(t, () => {});
  const { guard, seen } = recorder();
  const timeout: FilterInstance = { name: 'backendTimeout', request: (ctx) => void (ctx.settings.backendTimeoutMs = 30) };
  const { url } = await startProxy(t, [{ id: 'r', backend: slow.url, filters: [timeout] }], { guard });
  assert.equal((await get(`${url}/`)).status, 504);
  assert.equal(seen.after.length, 1);
  assert.equal(seen.after[0]!.outcome.timeout, true);
  assert.equal(seen.after[0]!.outcome.error, 'SKJ_ERR_PROXY_BACKEND_TIMEOUT');
});

test('response filters that handle errors see the proxy-made error response; others do not run', async (t) => {
  const b = await listen(t, (_req, res) => res.end('ok'));
  const ran: string[] = [];
  const handler: FilterInstance = {
    name: 'handler',
    handlesErrors: true,
    response(ctx) {
      ran.push(`handler:${ctx.response!.status}`);
      ctx.response!.headers['x-handled'] = 'yes';
    },
  };
  const plain: FilterInstance = { name: 'plain', response: () => void ran.push('plain') };
  const { url } = await startProxy(t, [{ id: 'r', backend: b.url, filters: [handler, plain] }], { guard: recorder(() => OPEN).guard });
  const r = await get(`${url}/`);
  assert.equal(r.status, 503);
  assert.equal(r.headers['x-handled'], 'yes');
  assert.equal(r.headers['x-circuit-open'], 'true');
  assert.equal(r.body, 'Service Unavailable\n');
  assert.deepEqual(ran, ['handler:503']);
  ran.length = 0;
  const dead = await refusingEndpoint();
  const p2 = await startProxy(t, [{ id: 'r', backend: dead, filters: [handler, plain] }]);
  assert.equal((await get(`${p2.url}/`)).status, 502);
  assert.deepEqual(ran, ['handler:502'], 'a connect failure goes through the error handlers too');
});

test('composeGuards: first refusal wins and guards that allowed are told it was refused', async () => {
  const info: AttemptInfo = { routeId: 'r', backendHost: 'h:1', origin: 'http://h:1', attempt: 0, method: 'GET', stateBag: new Map() };
  const first = recorder();
  const second = recorder(() => OPEN);
  const third = recorder();
  const g = composeGuards([first.guard, second.guard, third.guard])!;
  assert.deepEqual(g.before(info), OPEN);
  assert.equal(third.seen.before.length, 0, 'guards after a refusal are not asked');
  assert.equal(first.seen.after.length, 1);
  assert.equal(first.seen.after[0]!.outcome.refused, true);
  assert.equal(second.seen.after.length, 0, 'the refusing guard gets no after');

  const asyncFirst = recorder(undefined, true);
  const g2 = composeGuards([asyncFirst.guard, second.guard])!;
  const r = g2.before(info);
  assert.ok(r instanceof Promise, 'an async member makes the composition async');
  assert.deepEqual(await r, OPEN);
  assert.equal(asyncFirst.seen.after[0]!.outcome.refused, true);

  const okAll = composeGuards([recorder().guard, recorder().guard])!;
  assert.equal(okAll.before(info), undefined, 'synchronous members keep the composition synchronous');
  assert.equal(composeGuards([]), null);
});

test('layerGuards composes guard => guard layers outermost first', () => {
  const order: string[] = [];
  const layer = (name: string) => (inner: BackendGuard): BackendGuard => ({
    before(a) {
      order.push(name);
      return inner.before(a);
    },
    after(a, o) {
      inner.after(a, o);
    },
  });
  const g = layerGuards([layer('outer'), layer('inner')])!;
  const info: AttemptInfo = { routeId: 'r', backendHost: 'h:1', origin: 'http://h:1', attempt: 0, method: 'GET', stateBag: new Map() };
  assert.equal(g.before(info), undefined);
  assert.deepEqual(order, ['outer', 'inner']);
});
