import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActiveHealthCheck } from '../../src/loadbalancer/active-health-check.ts';
import { EndpointRegistry } from '../../src/loadbalancer/endpoint-registry.ts';
import type { BackendDoneEvent } from '../../src/proxy/types.ts';
import { parseActiveHealthCheck } from '../../src/config/active-health-check.ts';
import { echoBackend, get, startProxy } from '../proxy/harness.ts';
import { waitFor } from '../support/wait.ts';

test('a dropped endpoint leaves rotation, retries skip it, and an active probe brings it back when healthy', async (t) => {
  // The "bad" endpoint: a port that refuses connections until the test starts a server on it.
  const revived = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'x-backend': 'revived' }).end(req.url === '/healthz' ? 'ok' : 'revived');
  });
  await new Promise<void>((r) => revived.listen(0, '127.0.0.1', r));
  const port = (revived.address() as AddressInfo).port;
  await new Promise<void>((r) => revived.close(() => r()));
  t.after(() => new Promise<void>((r) => {
    if (!revived.listening) return r();
    revived.close(() => r());
    revived.closeAllConnections();
  }));
  const bad = `http://127.0.0.1:${port}`;
  const badHost = `127.0.0.1:${port}`;
  const good = await echoBackend(t, 'good');

  const endpoints = new EndpointRegistry();
  const events: BackendDoneEvent[] = [];
  const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints: [bad, good.url] } }], {
    endpoints,
    // A period far longer than the test: evaluation is stepped by the test itself.
    passiveHealthCheck: { periodMs: 3_600_000, minRequests: 1, minDropProbability: 0, maxDropProbability: 0.9, maxUnhealthyEndpointsRatio: 1 },
  }, { backendDone: (e) => events.push(e) });
  const seen = { dropped: [] as string[], probes: 0, restored: [] as string[] };
  const check = new ActiveHealthCheck(endpoints, { path: '/healthz', intervalMs: 3_600_000, timeoutMs: 1000, healthy: 2, tlsVerify: true }, {
    dropped: (h) => seen.dropped.push(h),
    probe: () => seen.probes++,
    restored: (h) => seen.restored.push(h),
  });
  await check.start();
  t.after(() => check.stop());

  for (let i = 0; i < 6; i++) assert.equal((await get(`${url}/`)).status, 200, 'retries hide the refusing endpoint');
  assert.ok(events.some((e) => e.backendHost === badHost), 'the bad endpoint was tried');
  endpoints.evaluateHealth();
  assert.deepEqual(seen.dropped, [badHost]);
  assert.equal(endpoints.peek(badHost)!.dropped, true);

  events.length = 0;
  for (let i = 0; i < 20; i++) assert.equal((await get(`${url}/`)).status, 200);
  assert.equal(events.filter((e) => e.backendHost === badHost).length, 0, 'no attempt, first or retry, went to the dropped endpoint');

  await check.probeRound();
  assert.equal(endpoints.peek(badHost)!.dropped, true, 'a failed probe keeps it out');
  await new Promise<void>((r) => revived.listen(port, '127.0.0.1', r));
  await check.probeRound();
  assert.equal(endpoints.peek(badHost)!.dropped, true, 'one healthy probe of the two required');
  await check.probeRound();
  assert.deepEqual(seen.restored, [badHost]);
  assert.equal(seen.probes, 3);
  endpoints.evaluateHealth();
  assert.equal(endpoints.peek(badHost)!.dropped, false, 'a restored endpoint starts with fresh statistics');
  await waitFor('a request served by the revived endpoint', async () => (await get(`${url}/`)).headers['x-backend'] === 'revived', 5000);
});

test('-active-health-check parses and names bad keys', () => {
  assert.equal(parseActiveHealthCheck({}), null);
  assert.deepEqual(parseActiveHealthCheck({ path: '/healthz', interval: '500ms', timeout: '2s', healthy: '3' }), { path: '/healthz', intervalMs: 500, timeoutMs: 2000, healthy: 3 });
  assert.throws(() => parseActiveHealthCheck({ color: 'red' }), /unknown parameter "color"/);
  assert.throws(() => parseActiveHealthCheck({ healthy: '0' }), /healthy/);
  assert.throws(() => parseActiveHealthCheck({ path: 'x' }), /path/);
});
