import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSkipjack, until } from './harness.ts';

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
