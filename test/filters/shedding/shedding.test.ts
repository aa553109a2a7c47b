import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import type { FilterSpec } from '../../../src/filters/types.ts';
import { SheddingRegistry, sheddingFilters } from '../../../src/filters/shedding/catalog.ts';
import { AdmissionWindow, rejectProbability } from '../../../src/filters/shedding/admission-control.ts';
import { get, listen, refusingEndpoint, startProxy } from '../../proxy/harness.ts';
import { waitFor } from '../../support/wait.ts';

function specs(registry: SheddingRegistry): Map<string, FilterSpec> {
  return new Map(sheddingFilters(registry).map((s) => [s.name, s]));
}

/** A backend that holds every request until the test releases it. */
async function holdingBackend(t: import('node:test').TestContext) {
  const held: http.ServerResponse[] = [];
  const b = await listen(t, (req, res) => {
    req.resume();
    held.push(res);
  });
  t.after(() => {
    for (const r of held) if (!r.writableEnded) r.end();
  });
  return { url: b.url, held, release: () => held.shift()!.end('done') };
}

test('fifo: a full queue answers 503 to the newcomer; waiters run in order', async (t) => {
  const registry = new SheddingRegistry();
  const fifo = specs(registry).get('fifo')!;
  const b = await holdingBackend(t);
  const { url } = await startProxy(t, [{ id: 'q', backend: b.url, filters: [fifo.create([1, 1, '10s'])] }]);
  const first = get(`${url}/1`);
  await waitFor('the first request at the backend', () => b.held.length === 1);
  const second = get(`${url}/2`);
  await waitFor('the second request waiting', () => registry.queue('fifo:q')?.waiting === 1);
  const third = await get(`${url}/3`);
  assert.equal(third.status, 503, 'queue full');
  b.release();
  assert.equal((await first).status, 200);
  await waitFor('the second request at the backend', () => b.held.length === 1);
  b.release();
  assert.equal((await second).status, 200);
});

test('fifo: a wait beyond the timeout answers 502', async (t) => {
  const registry = new SheddingRegistry();
  const fifo = specs(registry).get('fifo')!;
  const b = await holdingBackend(t);
  const { url } = await startProxy(t, [{ id: 'q', backend: b.url, filters: [fifo.create([1, 5, '30ms'])] }]);
  const first = get(`${url}/1`);
  await waitFor('the first request at the backend', () => b.held.length === 1);
  assert.equal((await get(`${url}/2`)).status, 502, 'queue timeout');
  b.release();
  assert.equal((await first).status, 200);
});

test('lifo: a newcomer at a full stack pushes out the oldest waiter, which gets 503; the newest runs first', async (t) => {
  const registry = new SheddingRegistry();
  const lifo = specs(registry).get('lifo')!;
  const b = await holdingBackend(t);
  const { url } = await startProxy(t, [{ id: 'q', backend: b.url, filters: [lifo.create([1, 2, '10s'])] }]);
  const seen: string[] = [];
  const running = get(`${url}/running`);
  await waitFor('the running request at the backend', () => b.held.length === 1);
  const oldest = get(`${url}/oldest`);
  await waitFor('one waiting', () => registry.queue('lifo:q')?.waiting === 1);
  const middle = get(`${url}/middle`);
  await waitFor('two waiting', () => registry.queue('lifo:q')?.waiting === 2);
  const newest = get(`${url}/newest`);
  assert.equal((await oldest).status, 503, 'the oldest waiter was pushed out');
  for (const [name, p] of [['running', running], ['newest', newest], ['middle', middle]] as const) {
    await waitFor(`${name} at the backend`, () => b.held.length === 1);
    seen.push(name);
    b.release();
    assert.equal((await p).status, 200);
  }
  assert.deepEqual(seen, ['running', 'newest', 'middle']);
});

test('the slot is freed on proxy-made error responses (filters that handle errors)', async (t) => {
  const registry = new SheddingRegistry();
  const { url } = await startProxy(t, [{ id: 'q', backend: await refusingEndpoint(), filters: [specs(registry).get('fifo')!.create([1, 0, '1s'])] }]);
  for (let i = 0; i < 5; i++) assert.equal((await get(`${url}/`)).status, 502, 'never 503: every failed request gave its slot back');
  assert.equal(registry.queue('fifo:q')!.active, 0);
});

test('lifoGroup: routes of one group share one queue; the queue survives a route update', async (t) => {
  const registry = new SheddingRegistry();
  const group = specs(registry).get('lifoGroup')!;
  const b = await holdingBackend(t);
  const { url } = await startProxy(t, [
    { id: 'a', match: (r) => r.path === '/a', backend: b.url, filters: [group.create(['g', 1, 1, '10s'])] },
    { id: 'b', match: (r) => r.path === '/b', backend: b.url, filters: [group.create(['g'])] },
  ]);
  const a = get(`${url}/a`);
  await waitFor('a at the backend', () => b.held.length === 1);
  const queued = get(`${url}/b`);
  await waitFor('b waiting in the group queue', () => registry.queue('lifoGroup:g')?.waiting === 1);
  b.release();
  await waitFor('b at the backend', () => b.held.length === 1);
  b.release();
  assert.deepEqual([(await a).status, (await queued).status], [200, 200]);
});

test('fifoWithBody frees the slot only after the body was sent', async (t) => {
  const registry = new SheddingRegistry();
  const backend = await listen(t, (_req, res) => {
    res.write('part');
    // The body ends when the test says so.
    pendingEnd.push(() => res.end('end'));
  });
  const pendingEnd: Array<() => void> = [];
  const { url } = await startProxy(t, [{ id: 'q', backend: backend.url, filters: [specs(registry).get('fifoWithBody')!.create([1, 0, '1s'])] }]);
  const first = get(`${url}/`);
  await waitFor('the body under way', () => pendingEnd.length === 1);
  assert.equal(registry.queue('fifo:q')!.active, 1, 'the slot is held while the body streams');
  assert.equal((await get(`${url}/`)).status, 503);
  pendingEnd.shift()!();
  assert.equal((await first).body, 'partend');
  await waitFor('the slot freed', () => registry.queue('fifo:q')!.active === 0);
});

test('admissionControl rejects a growing share while the backend fails, with Admission-Control: true', async (t) => {
  const registry = new SheddingRegistry();
  let hits = 0;
  const b = await listen(t, (req, res) => {
    hits++;
    req.resume();
    res.writeHead(500).end();
  });
  const ac = specs(registry).get('admissionControl')!.create(['svc', 'active', '1s', 5, 1, 0.95, 0.9, 1]);
  const { url } = await startProxy(t, [{ id: 'r', backend: b.url, filters: [ac] }]);
  const statuses: number[] = [];
  let signalled = 0;
  for (let i = 0; i < 60; i++) {
    const r = await get(`${url}/`);
    statuses.push(r.status);
    if (r.status === 503 && r.headers['admission-control'] === 'true') signalled++;
  }
  assert.ok(signalled > 10, `rejections: ${signalled} of 60`);
  assert.equal(hits + signalled, 60, 'every request either reached the backend or was rejected');
});

test('admissionControl in inactive mode never rejects', async (t) => {
  const registry = new SheddingRegistry();
  const b = await listen(t, (req, res) => {
    req.resume();
    res.writeHead(500).end();
  });
  const ac = specs(registry).get('admissionControl')!.create(['svc', 'inactive', '1s', 5, 1, 0.95, 0.9, 1]);
  const { url } = await startProxy(t, [{ id: 'r', backend: b.url, filters: [ac] }]);
  for (let i = 0; i < 20; i++) assert.equal((await get(`${url}/`)).status, 500);
});

test('rejectProbability follows Skipper\'s formula', () => {
  const s = { mode: 'active' as const, windowMs: 1000, windowSize: 5, minRps: 1, successThreshold: 0.95, maxRejectProbability: 0.9, exponent: 1 };
  assert.equal(rejectProbability(s, 4, 0), -1, 'below minRequests per second');
  assert.equal(rejectProbability(s, 100, 100), -1, 'healthy');
  const p = rejectProbability(s, 100, 50);
  assert.ok(Math.abs(p - (100 - 50 / 0.95) / 101) < 1e-9);
  assert.equal(rejectProbability(s, 100, 0), 0.9, 'capped at maxRejectProbability');
  assert.ok(rejectProbability({ ...s, exponent: 2 }, 100, 50) < p, 'a larger exponent rejects less');
});

test('AdmissionWindow forgets buckets older than the window', () => {
  let now = 0;
  const w = new AdmissionWindow(3, 100, () => now);
  w.count(true);
  w.count(false);
  now = 150;
  w.count(false);
  assert.deepEqual(w.sums(), [3, 1]);
  now = 320;
  assert.deepEqual(w.sums(), [1, 0], 'the first bucket left the window');
  now = 1000;
  assert.deepEqual(w.sums(), [0, 0]);
});

test('argument checks name the filter', () => {
  const s = specs(new SheddingRegistry());
  assert.throws(() => s.get('fifo')!.create([0, 1, '1s']), /fifo: maxConcurrency/);
  assert.throws(() => s.get('fifo')!.create([1, 1]), /fifo: expected 3 arguments/);
  assert.throws(() => s.get('lifoGroup')!.create([1]), /lifoGroup: the group name/);
  assert.throws(() => s.get('admissionControl')!.create(['x', 'sometimes', '1s', 5, 1, 0.9, 0.9, 1]), /mode/);
  assert.throws(() => s.get('admissionControl')!.create(['x', 'active', '1s', 500, 1, 0.9, 0.9, 1]), /windowSize/);
  assert.ok(s.get('lifo')!.create([]), 'lifo() takes its defaults');
});
