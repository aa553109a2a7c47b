/** -breaker, breaker filters, queue filters and their metrics in a running skipjack. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSkipjack, startBackend, startSkipjack } from './harness.ts';

test('-breaker opens per host: 503 with X-Circuit-Open, the backend is spared, and the state is a metric', async (t) => {
  let hits = 0;
  const backend = await startBackend(t, (req, res) => {
    hits++;
    req.resume();
    res.writeHead(500).end();
  });
  const host = new URL(backend.url).host;
  const sj = await startSkipjack(t, [`-inline-routes=r: * -> "${backend.url}";`, '-breaker=type=consecutive,failures=3,timeout=1h']);
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${sj.base}/`)).status, 500);
  const open = await fetch(`${sj.base}/`);
  assert.equal(open.status, 503);
  assert.equal(open.headers.get('x-circuit-open'), 'true');
  assert.equal(hits, 3);
  const metrics = await (await fetch(`${sj.support}/metrics`)).text();
  assert.match(metrics, new RegExp(`skipjack_breaker_state\\{host="${host.replace('.', '\\.')}"\\} 2`));
  assert.match(metrics, /skipjack_breaker_transitions_total\{[^}]*to="open"[^}]*\} 1/);
  assert.match(metrics, /skipjack_breaker_refused_total\{[^}]*\} 1/);
});

test('breaker filters need -enable-breakers; queue and admission filters build and serve', async (t) => {
  let hits = 0;
  const backend = await startBackend(t, (req, res) => {
    hits++;
    req.resume();
    res.writeHead(500).end();
  });
  const routes = `r: Path("/b") -> consecutiveBreaker(2, "1h") -> "${backend.url}";`
    + ` q: Path("/q") -> lifo(10, 10, "1s") -> fifo(10, 10, "1s") -> admissionControl("q", "inactive", "1s", 5, 1, 0.9, 0.9, 1) -> "${backend.url}";`;
  const off = await startSkipjack(t, [`-inline-routes=${routes}`]);
  for (let i = 0; i < 4; i++) assert.equal((await fetch(`${off.base}/b`)).status, 500, 'without a registry the filter has no effect');
  assert.equal((await fetch(`${off.base}/q`)).status, 500, 'queue filters pass requests through');
  const on = await startSkipjack(t, [`-inline-routes=${routes}`, '-enable-breakers']);
  hits = 0;
  await fetch(`${on.base}/b`);
  await fetch(`${on.base}/b`);
  assert.equal((await fetch(`${on.base}/b`)).status, 503);
  assert.equal(hits, 2);
});

test('a bad -breaker value is rejected at start-up naming the flag', async () => {
  const r = await runSkipjack(['-inline-routes=r: * -> <shunt>;', '-breaker=type=fancy']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /-breaker.*invalid breaker type/);
});
