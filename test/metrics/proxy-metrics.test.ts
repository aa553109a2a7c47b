import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregatorRegistry } from 'prom-client';
import { createProxyMetrics } from '../../src/metrics/proxy-metrics.ts';

test('request, backend and route table metrics, named skipjack_', async () => {
  const m = createProxyMetrics({ processMetrics: false });
  m.requestDone('r1', 'GET', 200, 0.003);
  m.requestDone('r1', 'GET', 200, 0.004);
  m.requestDone('r1', 'POST', 502, 0.2);
  m.backendDone('10.0.0.1:80', 0.002);
  m.backendError('10.0.0.2:80', 'SKJ_ERR_PROXY_BACKEND_CONNECT');
  m.routeTable({ generation: 7, routes: 10, invalidByReason: { unknown_filter: 2, invalid_backend: 1 } });
  m.routeUpdate(0.01);
  m.sourceError('file:/x');
  const text = await m.registry.metrics();
  assert.match(text, /skipjack_requests_total\{route="r1",method="GET",code="200"\} 2/);
  assert.match(text, /skipjack_requests_total\{route="r1",method="POST",code="502"\} 1/);
  assert.match(text, /skipjack_request_duration_seconds_count\{route="r1",code="200"\} 2/);
  assert.match(text, /skipjack_request_duration_seconds_bucket\{le="0.005",route="r1",code="200"\} 2/);
  assert.match(text, /skipjack_backend_duration_seconds_count\{host="10.0.0.1:80"\} 1/);
  assert.match(text, /skipjack_backend_errors_total\{host="10.0.0.2:80",kind="SKJ_ERR_PROXY_BACKEND_CONNECT"\} 1/);
  assert.match(text, /skipjack_route_table_generation 7/);
  assert.match(text, /skipjack_route_table_routes 10/);
  assert.match(text, /skipjack_invalid_routes\{reason="unknown_filter"\} 2/);
  assert.match(text, /skipjack_route_update_duration_seconds_count 1/);
  assert.match(text, /skipjack_route_source_errors_total\{source="file:\/x"\} 1/);
  for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#')) assert.match(line, /^skipjack_/);

  m.routeTable({ generation: 8, routes: 12, invalidByReason: { invalid_backend: 1 } });
  assert.match(await m.registry.metrics(), /skipjack_invalid_routes\{reason="unknown_filter"\} 0/, 'a reason that went away reads 0');
});

test('across workers, counters sum and route table gauges take the max', async () => {
  const w1 = createProxyMetrics({ processMetrics: false });
  const w2 = createProxyMetrics({ processMetrics: false });
  for (const w of [w1, w2]) {
    w.requestDone('r', 'GET', 200, 0.001);
    w.routeTable({ generation: 3, routes: 5, invalidByReason: {} });
  }
  const agg = AggregatorRegistry.aggregate([await w1.registry.getMetricsAsJSON(), await w2.registry.getMetricsAsJSON()]);
  const text = await agg.metrics();
  assert.match(text, /skipjack_requests_total\{route="r",method="GET",code="200"\} 2/);
  assert.match(text, /skipjack_route_table_routes 5/);
  assert.match(text, /skipjack_route_table_generation 3/);
});

test('invalid Kubernetes objects by kind: a kind that became valid reads 0; workers without a value do not change it', async () => {
  const primary = createProxyMetrics({ processMetrics: false });
  const worker = createProxyMetrics({ processMetrics: false });
  primary.kubernetesInvalidObjects({ Ingress: 2, RouteGroup: 1 });
  assert.match(await primary.registry.metrics(), /skipjack_kubernetes_invalid_objects\{kind="Ingress"\} 2/);
  primary.kubernetesInvalidObjects({ Ingress: 1 });
  const text = await primary.registry.metrics();
  assert.match(text, /skipjack_kubernetes_invalid_objects\{kind="Ingress"\} 1/);
  assert.match(text, /skipjack_kubernetes_invalid_objects\{kind="RouteGroup"\} 0/);
  const agg = AggregatorRegistry.aggregate([await primary.registry.getMetricsAsJSON(), await worker.registry.getMetricsAsJSON(), await worker.registry.getMetricsAsJSON()]);
  assert.match(await agg.metrics(), /skipjack_kubernetes_invalid_objects\{kind="Ingress"\} 1\n/);
});
