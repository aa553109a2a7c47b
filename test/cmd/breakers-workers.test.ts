/**
 * Breakers under -workers 2: one owner per instance (the primary), so the thresholds and half-open probes
 * are the instance's, not each worker's. Every request goes out on a fresh connection (`connection: close`);
 * node:cluster hands fresh connections to the workers round-robin, so both workers serve and refuse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, startSkipjack, until } from './harness.ts';

const quiet = ['-access-log-disabled', '-wait-for-healthcheck-interval=0s'];

async function get(url: string): Promise<{ status: number; open: boolean }> {
  const r = await fetch(url, { headers: { connection: 'close' } });
  await r.arrayBuffer();
  return { status: r.status, open: r.headers.get('x-circuit-open') === 'true' };
}

test('-workers 2, consecutive breaker of 5: exactly 5 failures reach the backend, then 503 from both workers', async (t) => {
  let hits = 0;
  const backend = await startBackend(t, (req, res) => {
    hits++;
    req.resume();
    res.writeHead(500).end();
  });
  const sj = await startSkipjack(t, [`-inline-routes=r: * -> "${backend.url}";`, '-breaker=type=consecutive,failures=5,timeout=1h', ...quiet], { workers: 2 });
  for (let i = 0; i < 5; i++) assert.equal((await get(sj.base)).status, 500, `request ${i + 1}`);
  for (let i = 0; i < 10; i++) assert.deepEqual(await get(sj.base), { status: 503, open: true }, `request ${i + 6}`);
  assert.equal(hits, 5);
  // Both workers refused: the refusals are counted where they happen and summed by the primary.
  const text = await (await fetch(`${sj.support}/metrics`)).text();
  assert.match(text, /skipjack_breaker_refused_total\{[^}]*\} 10\b/);
  assert.match(text, /skipjack_breaker_transitions_total\{[^}]*to="open"[^}]*\} 1\b/, 'one breaker opened once, not one per worker');
});

test('-workers 2, consecutiveBreaker filter: a success between failures resets the instance count', async (t) => {
  let hits = 0;
  let fail = true;
  const backend = await startBackend(t, (req, res) => {
    hits++;
    req.resume();
    res.writeHead(fail ? 500 : 200).end();
  });
  const sj = await startSkipjack(t, [`-inline-routes=r: * -> consecutiveBreaker(3, "1h") -> "${backend.url}";`, '-enable-breakers', ...quiet], { workers: 2 });
  for (let i = 0; i < 2; i++) assert.equal((await get(sj.base)).status, 500);
  fail = false;
  assert.equal((await get(sj.base)).status, 200);
  fail = true;
  for (let i = 0; i < 3; i++) assert.equal((await get(sj.base)).status, 500, `failure ${i + 1} after the success`);
  assert.deepEqual(await get(sj.base), { status: 503, open: true });
  assert.equal(hits, 6);
});

test('-workers 2, rate breaker: opens on the instance window, not per worker', async (t) => {
  let hits = 0;
  let n = 0;
  const backend = await startBackend(t, (req, res) => {
    hits++;
    req.resume();
    // Every other request fails: 4 failures within the window of 8 after 8 requests.
    res.writeHead(n++ % 2 === 0 ? 500 : 200).end();
  });
  const sj = await startSkipjack(t, [`-inline-routes=r: * -> "${backend.url}";`, '-breaker=type=rate,window=8,failures=4,timeout=1h', ...quiet], { workers: 2 });
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await get(sj.base)).status);
  assert.deepEqual(statuses, [500, 200, 500, 200, 500, 200, 500]);
  for (let i = 0; i < 6; i++) assert.deepEqual(await get(sj.base), { status: 503, open: true });
  assert.equal(hits, 7);
});

test('-workers 2, half-open: the owner grants exactly half-open-requests probes across both workers', async (t) => {
  let hits = 0;
  let mode: 'fail' | 'hold' | 'ok' = 'fail';
  const held: Array<() => void> = [];
  const backend = await startBackend(t, (req, res) => {
    hits++;
    req.resume();
    if (mode === 'fail') res.writeHead(500).end();
    else if (mode === 'hold') held.push(() => res.writeHead(200).end('ok'));
    else res.writeHead(200).end('ok');
  });
  const sj = await startSkipjack(t, [`-inline-routes=r: * -> "${backend.url}";`, '-breaker=type=consecutive,failures=2,timeout=300ms,half-open-requests=3', ...quiet], { workers: 2 });
  for (let i = 0; i < 2; i++) assert.equal((await get(sj.base)).status, 500);
  assert.deepEqual(await get(sj.base), { status: 503, open: true });
  mode = 'hold';
  hits = 0;
  const all: Promise<{ status: number; open: boolean }>[] = [];
  const settled: { status: number; open: boolean }[] = [];
  const send = (): void => {
    all.push(get(sj.base).then((r) => (settled.push(r), r)));
  };
  // Once the timeout passed, the first requests to arrive are probes, held by the backend.
  await until(() => {
    send();
    return hits >= 1;
  }, 'the first probe', 10_000);
  for (let i = 0; i < 10; i++) send();
  await until(() => hits >= 3 && settled.length === all.length - 3, 'three probes held, every other request answered');
  assert.equal(hits, 3, 'only half-open-requests probes reach the backend');
  assert.ok(settled.every((r) => r.status === 503 && r.open), JSON.stringify(settled));
  assert.ok(settled.length >= 10);
  mode = 'ok';
  for (const release of held) release();
  assert.deepEqual((await Promise.all(all)).filter((r) => r.status === 200).length, 3);
  await until(async () => (await get(sj.base)).status === 200, 'closed after three successful probes');
});
