import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProxyMetrics } from '../../src/metrics/proxy-metrics.ts';
import { skipperMetricsOptions, parseHistogramBuckets } from '../../src/metrics/skipper-options.ts';
import { defaultConfig } from '../../src/config/table.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { RouteDef } from '../../src/eskip/index.ts';

function route(id: string, predicates: { name: string; args: string[] }[] = []): RouteDef {
  return { id, predicates, filters: [], backendType: 'shunt' } as unknown as RouteDef;
}

test('the codahale default adds no skipper_ names; prometheus adds them with Skipper\'s compatibility defaults', async () => {
  assert.equal(skipperMetricsOptions(defaultConfig()), null);
  const o = skipperMetricsOptions(loadConfig(['-metrics-flavour=prometheus']))!;
  assert.equal(o.namespace, 'skipper');
  assert.deepEqual(o.buckets, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  assert.equal(o.routeBackend && o.routeResponse && o.routeBackendErrors, true);
  assert.equal(o.serveRoute || o.serveHost || o.backendHost, false);
  const off = skipperMetricsOptions(loadConfig(['-enable-prometheus-metrics', '-disable-metrics-compat', '-metrics-prefix=edge.']))!;
  assert.equal(off.namespace, 'edge');
  assert.equal(off.routeBackend || off.routeResponse || off.routeBackendErrors, false);
  assert.throws(() => loadConfig(['-metrics-flavour=graphite']), /-metrics-flavour.*graphite/);
  assert.throws(() => loadConfig(['-histogram-metric-buckets=1,0.5']), /-histogram-metric-buckets.*increasing/);
  assert.deepEqual(parseHistogramBuckets('0.1, 1,10'), [0.1, 1, 10]);
});

test('Skipper\'s names, labels and buckets, chosen by the flags', async () => {
  const c = loadConfig(['-metrics-flavour=prometheus', '-serve-route-metrics', '-serve-host-metrics', '-serve-route-counter', '-backend-host-metrics', '-serve-method-metric=false']);
  const m = createProxyMetrics({ processMetrics: false, skipper: skipperMetricsOptions(c) });
  const s = m.skipper!;
  s.routeTable([route('hosted', [{ name: 'Host', args: ['^a[.]org$'] }]), route('plain')], [{ id: 'bad', reason: 'unknown_filter', message: 'x' }], 0.01);
  s.requestDone('hosted', 'a.org:80', 'GET', 200, 0.3, 0.1);
  s.requestDone('plain', 'b.org', 'GET', 503, 0.02, 0.01);
  s.requestDone('', 'c.org', 'GET', 404, 0.001, 0);
  s.backendDone('plain', '10.0.0.1:80', 503, 0.01);
  s.backendError('plain');
  const text = await m.registry.metrics();
  assert.match(text, /^skipper_serve_route_duration_seconds_bucket\{le="0.5",code="200",route="hosted"\} 1$/m);
  assert.match(text, /^skipper_serve_route_duration_seconds_bucket\{le="0.25",code="200",route="hosted"\} 0$/m);
  assert.match(text, /^skipper_serve_route_count\{code="503",method="GET",route="plain"\} 1$/m);
  assert.match(text, /^skipper_serve_host_duration_seconds_count\{code="200",host="a_org__80"\} 1$/m);
  assert.match(text, /^skipper_serve_host_duration_seconds_count\{code="503",host="_unknownhost_"\} 1$/m);
  assert.match(text, /^skipper_response_duration_seconds_count\{code="503",method="GET",route="plain"\} 1$/m);
  assert.match(text, /^skipper_backend_duration_seconds_count\{route="plain",host="",zone=""\} 1$/m);
  assert.match(text, /^skipper_backend_duration_seconds_count\{route="",host="10.0.0.1:80",zone=""\} 1$/m);
  assert.match(text, /^skipper_backend_5xx_duration_seconds_count 1$/m);
  assert.match(text, /^skipper_backend_error_total\{route="plain"\} 1$/m);
  assert.match(text, /^skipper_route_error_total 1$/m);
  assert.match(text, /^skipper_proxy_total_duration_seconds_bucket\{le="0.25"\} 3$/m);
  assert.match(text, /^skipper_route_invalid\{route_id="bad",reason="unknown_filter"\} 1$/m);
  assert.match(text, /^skipper_custom_gauges\{key="routes.total"\} 2$/m);
  // A route fixed in the next table is no longer reported invalid.
  s.routeTable([route('plain')], [], 0.01);
  assert.doesNotMatch(await m.registry.metrics(), /skipper_route_invalid\{/);
});

test('no gauge ends in _total; build info and the standard process metrics are there', async () => {
  const m = createProxyMetrics();
  const text = await m.registry.metrics();
  for (const [, name] of text.matchAll(/^# TYPE (\S+) gauge$/gm)) assert.doesNotMatch(name!, /_total$/, name);
  assert.match(text, /^skipjack_build_info\{version="[^"]+",nodejs_version="v\d+[^"]*"\} 1$/m);
  assert.match(text, /^process_start_time_seconds \d+$/m);
  assert.match(text, /^process_resident_memory_bytes \d+$/m);
  assert.match(text, /^# TYPE process_cpu_seconds_total counter$/m);
});
