import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runSkipjack, startSkipjack, until } from './harness.ts';

test('-workers 2: both workers serve one address; /metrics aggregates them; SIGTERM stops all', async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> status(200) -> inlineContent("ok") -> <shunt>;', '-wait-for-healthcheck-interval=0s', '-access-log-disabled'], { workers: 2 });
  const requests = 40;
  for (let i = 0; i < requests; i++) assert.equal(await (await fetch(`${sj.base}/`)).text(), 'ok');
  await until(async () => new RegExp(`skipjack_requests_total\\{route="r",method="GET",code="200"\\} ${requests}\\b`).test(await (await fetch(`${sj.support}/metrics`)).text()), 'aggregated request count');
  const metrics = await (await fetch(`${sj.support}/metrics`)).text();
  assert.match(metrics, /skipjack_route_table_routes 1\b/, 'route gauges aggregate with max, not sum');
  sj.proc.kill('SIGTERM');
  assert.deepEqual(await sj.exited, { code: 0, signal: null });
});

test('-workers 2: a worker that dies is replaced; one that cannot listen stops start-up', async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> inlineContent("ok") -> <shunt>;', '-access-log-disabled'], { workers: 2 });
  const children = (): number[] => readFileSync(`/proc/${sj.proc.pid}/task/${sj.proc.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  await until(() => children().length === 2, 'two workers');
  const [victim] = children();
  process.kill(victim!, 'SIGKILL');
  await sj.waitFor(new RegExp(`worker ${victim} exited unexpectedly`));
  await until(() => children().length === 2 && !children().includes(victim!), 'a replacement worker');
  for (let i = 0; i < 10; i++) assert.equal(await (await fetch(`${sj.base}/`)).text(), 'ok');

  const taken = new URL(sj.base);
  // A generous cap: on a loaded 2-core machine three Node processes start before the refusal (30 s once ran out).
  const r = await runSkipjack([`-address=${taken.host}`, '-support-listener=', '-workers=2', '-inline-routes=r: * -> <shunt>;'], 90_000);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /EADDRINUSE/);
  assert.match(r.stderr, /exited before it could listen/);
});

test('-workers 2: the primary lists what the workers compiled: /routes, the invalid-route log and gauges come from their reports', async (t) => {
  const routes = 'a: Path("/a") -> inlineContent("a") -> <shunt>; bad: Path("/b") -> noSuchFilter() -> <shunt>; a: Path("/a2") -> <shunt>;';
  const sj = await startSkipjack(t, [`-inline-routes=${routes}`, '-access-log-disabled'], { workers: 2 });
  await sj.waitFor(/invalid route \\?"bad\\?" \(unknown_filter\)/);
  await sj.waitFor(/route table generation 1: 1 routes, 2 invalid/);
  const listing = await (await fetch(`${sj.support}/routes`)).text();
  assert.match(listing, /^a: Path\("\/a"\)/m);
  assert.doesNotMatch(listing, /\/a2|\/b"/, 'neither the duplicate nor the invalid route is listed as a route');
  assert.match(listing, /\/\/ invalid route "bad" \(unknown_filter\)/);
  assert.match(listing, /\/\/ invalid route "a" \(duplicate_route_id\)/);
  assert.match(await (await fetch(`${sj.support}/metrics`)).text(), /skipjack_route_table_routes 1\b/);
  assert.equal(await (await fetch(`${sj.base}/a`)).text(), 'a');
  sj.proc.kill('SIGTERM');
  await sj.exited;
});
