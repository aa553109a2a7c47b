import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { FilterInstance } from '../../src/routing/filter-contract.ts';
import { errorBody, errorStatus, ProxyError } from '../../src/proxy/errors.ts';
import { get, listen, makeRoute, makeTable, startProxy, TestHolder, refusingEndpoint } from './harness.ts';

test('connection refused is 502', async (t) => {
  const { url } = await startProxy(t, [{ id: 'r', backend: await refusingEndpoint() }]);
  const r = await get(`${url}/`);
  assert.deepEqual([r.status, r.body], [502, 'Bad Gateway\n']);
});

test('a backend that sends no headers in time is 504', async (t) => {
  const be = await listen(t, () => {}); // never answers
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }], { responseHeaderTimeoutMs: 200 });
  const r = await get(`${url}/`);
  assert.deepEqual([r.status, r.body], [504, 'Gateway Timeout\n']);
});

test('backendTimeout from the filter settings bounds the exchange: 504', async (t) => {
  const be = await listen(t, (_req, res) => setTimeout(() => res.end('late'), 5_000).unref());
  const timeout: FilterInstance = { name: 'backendTimeout', request: (ctx) => void (ctx.settings.backendTimeoutMs = 100) };
  const { url } = await startProxy(t, [{ id: 'r', filters: [timeout], backend: be.url }]);
  assert.equal((await get(`${url}/`)).status, 504);
});

test('an LB route without endpoints is 503', async (t) => {
  const route = makeRoute({ id: 'empty', backend: '<shunt>' });
  const table = makeTable([]);
  const lbRoute = { ...route, def: { ...route.def, backendType: 'lb' as const }, lb: { algorithm: 'roundRobin', endpoints: [] } };
  table.lookup = () => ({ route: lbRoute, params: {} });
  const { url } = await startProxy(t, new TestHolder(table));
  const r = await get(`${url}/`);
  assert.deepEqual([r.status, r.body], [503, 'Service Unavailable\n']);
});

test('a malformed percent-escape in the path is 400', async (t) => {
  const { url } = await startProxy(t, [{ id: 'r', backend: '<shunt>' }]);
  assert.equal((await get(`${url}/a%zz`)).status, 400);
});

test('a client that disconnects aborts the upstream request', async (t) => {
  let backendSawClose!: () => void;
  const closed = new Promise<void>((r) => (backendSawClose = r));
  let arrived!: () => void;
  const arrival = new Promise<void>((r) => (arrived = r));
  const be = await listen(t, (req, res) => {
    arrived();
    res.on('close', () => backendSawClose());
    req.resume();
  });
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const req = http.request(`${url}/`, { agent: false });
  req.on('error', () => {});
  req.end();
  await arrival;
  req.destroy();
  await closed; // hangs (test timeout) if the proxy kept the upstream request open
});

test('errors map in one place', () => {
  const cases: [ProxyError, number][] = [
    [new ProxyError('SKJ_ERR_PROXY_NO_ROUTE', ''), 404],
    [new ProxyError('SKJ_ERR_PROXY_BAD_REQUEST', ''), 400],
    [new ProxyError('SKJ_ERR_PROXY_FILTER_FAILED', ''), 500],
    [new ProxyError('SKJ_ERR_PROXY_MAX_LOOPBACKS', ''), 500],
    [new ProxyError('SKJ_ERR_PROXY_BACKEND_CONNECT', ''), 502],
    [new ProxyError('SKJ_ERR_PROXY_NO_ENDPOINTS', ''), 503],
    [new ProxyError('SKJ_ERR_PROXY_BACKEND_TIMEOUT', ''), 504],
    [new ProxyError('SKJ_ERR_PROXY_BACKEND_CONNECT', '', { clientGone: true }), 499],
  ];
  for (const [e, s] of cases) assert.equal(errorStatus(e), s, e.code);
  assert.equal(errorStatus(new Error('anything else')), 500);
  assert.equal(errorBody(502), 'Bad Gateway\n');
});
