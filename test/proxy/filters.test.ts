import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { FilterContext, FilterInstance } from '../../src/routing/filter-contract.ts';
import type { RequestDoneEvent } from '../../src/proxy/types.ts';
import { echoBackend, get, listen, startProxy } from './harness.ts';

function tracer(log: string[], name: string, opts: { async?: boolean; serve?: boolean } = {}): FilterInstance {
  return {
    name,
    request(ctx: FilterContext) {
      log.push(`req ${name}`);
      if (opts.serve) ctx.serve({ status: 200, headers: { 'x-served-by': name }, body: Readable.from([`served by ${name}`]) });
      if (opts.async) return new Promise<void>((r) => setTimeout(r, 1));
    },
    response(ctx: FilterContext) {
      log.push(`res ${name}`);
      const prev = ctx.response!.headers['x-chain'];
      ctx.response!.headers['x-chain'] = prev === undefined ? name : `${prev},${name}`;
      if (opts.async) return Promise.resolve();
    },
  };
}

test('request filters run in order, response filters in reverse, sync and async mixed', async (t) => {
  const be = await echoBackend(t);
  const log: string[] = [];
  const { url } = await startProxy(t, [{ id: 'r', filters: [tracer(log, 'a'), tracer(log, 'b', { async: true }), tracer(log, 'c')], backend: be.url }]);
  const r = await get(`${url}/`);
  assert.equal(r.status, 200);
  assert.deepEqual(log, ['req a', 'req b', 'req c', 'res c', 'res b', 'res a']);
  assert.equal(r.headers['x-chain'], 'c,b,a');
});

test('serve() short-circuits: later request filters and the backend are skipped, response filters run from the server backwards', async (t) => {
  let backendCalls = 0;
  const be = await echoBackend(t);
  const counting: FilterInstance = { name: 'count', request: () => void backendCalls++ };
  const log: string[] = [];
  const { url } = await startProxy(t, [{
    id: 'r',
    filters: [tracer(log, 'a'), tracer(log, 'b', { serve: true }), counting, tracer(log, 'c')],
    backend: be.url,
  }]);
  const r = await get(`${url}/`);
  assert.equal(r.status, 200);
  assert.equal(r.body, 'served by b');
  assert.equal(r.headers['x-chain'], 'b,a');
  assert.deepEqual(log, ['req a', 'req b', 'res b', 'res a']);
  assert.equal(backendCalls, 0);
});

test('an async filter can serve too', async (t) => {
  const { url } = await startProxy(t, [{ id: 'r', filters: [tracer([], 'x', { async: true, serve: true })], backend: '<shunt>' }]);
  const r = await get(`${url}/`);
  assert.deepEqual([r.status, r.body], [200, 'served by x']);
});

test('a throwing or rejecting filter is a 500; the proxy keeps serving', async (t) => {
  const boom: FilterInstance = { name: 'boom', request: () => { throw new Error('kaputt'); } };
  const reject: FilterInstance = { name: 'reject', request: () => Promise.reject(new Error('nope')) };
  const resBoom: FilterInstance = { name: 'resBoom', response: () => { throw new TypeError('bad'); } };
  const be = await echoBackend(t);
  const { url } = await startProxy(t, [
    { id: 'sync', match: (r) => r.path === '/sync', filters: [boom], backend: '<shunt>' },
    { id: 'async', match: (r) => r.path === '/async', filters: [reject], backend: '<shunt>' },
    { id: 'response', match: (r) => r.path === '/response', filters: [resBoom], backend: be.url },
    { id: 'ok', backend: '<shunt>' },
  ]);
  for (const p of ['/sync', '/async', '/response']) {
    const r = await get(`${url}${p}`);
    assert.deepEqual([r.status, r.body], [500, 'Internal Server Error\n'], p);
  }
  assert.equal((await get(`${url}/fine`)).status, 404);
});

test('the observer sees every finished request with its route, status and size', async (t) => {
  const done: RequestDoneEvent[] = [];
  const backends: string[] = [];
  const be = await echoBackend(t);
  const { url } = await startProxy(t, [
    { id: 'proxied', match: (r) => r.path === '/p', backend: be.url },
    { id: 'shunted', backend: '<shunt>' },
  ], {}, { requestDone: (e) => done.push(e), backendDone: (e) => backends.push(`${e.routeId} ${e.status}`) });
  const r = await get(`${url}/p?x=1`, { headers: { 'user-agent': 'ua/1' } });
  await get(`${url}/s`);
  while (done.length < 2) await new Promise((res) => setImmediate(res));
  const [a, b] = done;
  assert.equal(a!.routeId, 'proxied');
  assert.equal(a!.status, 200);
  assert.equal(a!.uri, '/p?x=1');
  assert.equal(a!.userAgent, 'ua/1');
  assert.equal(a!.bytes, Buffer.byteLength(r.body));
  assert.equal(a!.completed, true);
  assert.ok(a!.durationMs >= 0);
  assert.deepEqual([b!.routeId, b!.status, b!.bytes], ['shunted', 404, 0]);
  assert.deepEqual(backends, ['proxied 200']);
});

test('a filter that sets an invalid header value is a 500, request or response side', async (t) => {
  const be = await echoBackend(t);
  const badReq: FilterInstance = { name: 'badReq', request: (ctx) => void (ctx.request.headers['x-bad'] = 'a\r\nInjected: 1') };
  const badRes: FilterInstance = { name: 'badRes', response: (ctx) => void (ctx.response!.headers['x-bad'] = 'a\r\nInjected: 1') };
  const { url } = await startProxy(t, [
    { id: 'req', match: (r) => r.path === '/req', filters: [badReq], backend: be.url },
    { id: 'res', match: (r) => r.path === '/res', filters: [badRes], backend: be.url },
  ]);
  for (const p of ['/req', '/res']) {
    const r = await get(`${url}${p}`);
    assert.equal(r.status, 500, p);
    assert.equal(r.headers['injected'], undefined);
  }
});

test('a response filter that replaces the backend body frees the backend exchange', async (t) => {
  let backendClosed!: () => void;
  const closed = new Promise<void>((r) => (backendClosed = r));
  const be = await listen(t, (_req, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write('x'.repeat(1024)), 5);
    res.on('close', () => {
      clearInterval(timer);
      backendClosed();
    });
  });
  const replace: FilterInstance = { name: 'replace', response: (ctx) => void (ctx.response!.body = Readable.from(['replaced'])) };
  const { url } = await startProxy(t, [{ id: 'r', filters: [replace], backend: be.url }]);
  assert.equal((await get(`${url}/`)).body, 'replaced');
  await closed; // hangs (test timeout) if the endless backend body were left paused
});
