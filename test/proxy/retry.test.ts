import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendDoneEvent } from '../../src/proxy/types.ts';
import { echoBackend, get, listen, startProxy, refusingEndpoint } from './harness.ts';

for (const algorithm of ['roundRobin', 'random', 'consistentHash', 'powerOfRandomNChoices']) {
  test(`${algorithm}: with 1 of 3 endpoints refusing connections, clients see zero errors`, async (t) => {
    const good = await Promise.all([echoBackend(t, 'a'), echoBackend(t, 'b')]);
    const endpoints = [good[0]!.url, await refusingEndpoint(), good[1]!.url];
    const backend: BackendDoneEvent[] = [];
    const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm, endpoints } }], {}, { backendDone: (e) => backend.push(e) });
    const failures: string[] = [];
    for (let i = 0; i < 60; i++) {
      // Vary the client key so consistentHash lands on every endpoint, including the refusing one.
      const headers = { 'x-forwarded-for': `10.0.0.${i}` };
      const r = i % 3 === 0
        ? await get(`${url}/post`, { method: 'POST', body: 'x'.repeat(1000), headers })
        : await get(`${url}/get`, { headers });
      if (r.status !== 200) failures.push(`${i}: ${r.status}`);
      else if (i % 3 === 0) assert.equal(JSON.parse(r.body).size, 1000, 'the POST body arrived whole after a retry');
    }
    assert.deepEqual(failures, []);
    assert.ok(backend.some((e) => e.error === 'SKJ_ERR_PROXY_BACKEND_CONNECT'), 'the refusing endpoint was tried');
  });
}

test('a request whose body already left is not retried after a reset; an idempotent body-less one is', async (t) => {
  const resetter = await listen(t, (req) => req.on('data', () => req.socket.destroy()).on('end', () => req.socket.destroy()));
  const good = await echoBackend(t, 'good');
  // roundRobin alternates, so each pair of requests hits the resetting endpoint once.
  const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints: [resetter.url, good.url] } }]);
  const gets = await Promise.all([get(`${url}/`), get(`${url}/`), get(`${url}/`), get(`${url}/`)]);
  assert.deepEqual(gets.map((r) => r.status), [200, 200, 200, 200]);
  const posts: number[] = [];
  for (let i = 0; i < 4; i++) posts.push((await get(`${url}/`, { method: 'POST', body: 'payload' })).status);
  assert.ok(posts.includes(502), `a POST that reached the resetting endpoint fails: ${posts}`);
  assert.ok(posts.includes(200));
});

test('retries are bounded: all endpoints refusing is a 502', async (t) => {
  const endpoints = await Promise.all([refusingEndpoint(), refusingEndpoint(), refusingEndpoint(), refusingEndpoint()]);
  const tries: string[] = [];
  const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints } }], {}, { backendDone: (e) => tries.push(e.backendHost) });
  assert.equal((await get(`${url}/`)).status, 502);
  assert.equal(tries.length, 3);
  assert.equal(new Set(tries).size, 3, 'each attempt went to another endpoint');
});

test('a connection that breaks before the response is retried once for idempotent requests on a single backend', async (t) => {
  let calls = 0;
  const flaky = await listen(t, (req, res) => {
    calls++;
    if (calls % 2 === 1) return void req.socket.destroy(); // every other request: reset, no response
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  for (const backend of [flaky.url, { algorithm: 'roundRobin', endpoints: [flaky.url] }]) {
    calls = 0;
    const { url } = await startProxy(t, [{ id: 'r', backend }]);
    const r = await get(`${url}/`);
    assert.deepEqual([r.status, r.body, calls], [200, 'ok', 2], 'GET: reset, then retried');
    calls = 0;
    assert.equal((await get(`${url}/`, { method: 'POST', body: 'payload' })).status, 502, 'POST whose body left: not retried');
    assert.equal(calls, 1);
  }
});
