/**
 * The Prometheus metrics of one process, all named `skipjack_…`. The request-path metrics are FastCounter and
 * FastHistogram series cached per label combination, so a request costs one Map lookup and a few additions.
 * Gauges describing the route table aggregate across workers with `max` (every worker holds the same
 * table); counters and histograms sum.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { FastCounter, FastHistogram, type CounterSeries, type HistogramSeries } from './fast-metrics.ts';
import { createSkipperMetrics, type SkipperMetrics } from './skipper-metrics.ts';
import type { SkipperMetricsOptions } from './skipper-options.ts';
import { registerProcessInfo } from './process-info.ts';

export const METRIC_PREFIX = 'skipjack_';

/** Latency buckets in seconds: sub-millisecond proxying up to the 60 s default backend timeout. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface RouteTableStats {
  generation: number;
  routes: number;
  /** Invalid route count by reason code. */
  invalidByReason: Readonly<Record<string, number>>;
}

export interface ProxyMetrics {
  readonly registry: Registry;
  /** Skipper's metric names, with -metrics-flavour=prometheus; null otherwise. */
  readonly skipper: SkipperMetrics | null;
  requestDone(routeId: string, method: string, status: number, seconds: number): void;
  backendDone(host: string, seconds: number): void;
  backendError(host: string, kind: string): void;
  routeTable(stats: RouteTableStats): void;
  routeUpdate(seconds: number): void;
  sourceError(source: string): void;
  /** Objects the last Kubernetes conversion rejected, by kind (Ingress, RouteGroup, …). */
  kubernetesInvalidObjects(byKind: Readonly<Record<string, number>>): void;
}

interface RequestSeries {
  count: CounterSeries;
  duration: HistogramSeries;
}

export function createProxyMetrics(o: { processMetrics?: boolean; skipper?: SkipperMetricsOptions | null } = {}): ProxyMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (o.processMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
    // Gauges must not end in _total (OpenMetrics reserves it for counters); the per-type gauges of the same
    // name without the suffix stay, and sum() over them gives these totals.
    for (const g of ['active_resources_total', 'active_handles_total', 'active_requests_total']) registry.removeSingleMetric(`${METRIC_PREFIX}nodejs_${g}`);
    registerProcessInfo(registry);
  }
  const skipper = o.skipper == null ? null : createSkipperMetrics(registry, o.skipper);

  const requests = new FastCounter({ name: `${METRIC_PREFIX}requests_total`, help: 'Requests served, by route, method and status code', registers });
  const requestDuration = new FastHistogram({ name: `${METRIC_PREFIX}request_duration_seconds`, help: 'Time from request start to response end, by route and status code', buckets: LATENCY_BUCKETS, registers });
  const backendDuration = new FastHistogram({ name: `${METRIC_PREFIX}backend_duration_seconds`, help: 'Time from sending the backend request to its response headers, by backend host', buckets: LATENCY_BUCKETS, registers });
  const backendErrors = new Counter({ name: `${METRIC_PREFIX}backend_errors_total`, help: 'Backend requests that failed, by backend host and kind', labelNames: ['host', 'kind'], registers });
  const tableRoutes = new Gauge({ name: `${METRIC_PREFIX}route_table_routes`, help: 'Valid routes in the current route table', registers, aggregator: 'max' });
  const tableGeneration = new Gauge({ name: `${METRIC_PREFIX}route_table_generation`, help: 'Generation of the current route table', registers, aggregator: 'max' });
  const invalidRoutes = new Gauge({ name: `${METRIC_PREFIX}invalid_routes`, help: 'Route definitions rejected by the last build, by reason', labelNames: ['reason'], registers, aggregator: 'max' });
  const updateDuration = new Histogram({ name: `${METRIC_PREFIX}route_update_duration_seconds`, help: 'Time to merge the route sources, compile and swap the route table', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers });
  // Only the process that runs the Kubernetes source sets it (the primary with workers): `max` keeps workers,
  // which report no value, from changing it, where `sum` would still be right but depends on that.
  const kubeInvalid = new Gauge({ name: `${METRIC_PREFIX}kubernetes_invalid_objects`, help: 'Kubernetes objects the last conversion rejected (their routes are left out), by kind', labelNames: ['kind'], registers, aggregator: 'max' });
  const sourceErrors = new Counter({ name: `${METRIC_PREFIX}route_source_errors_total`, help: 'Failed loads of a route source (the last good routes stay)', labelNames: ['source'], registers });

  const requestSeries = new Map<string, Map<string, Map<number, RequestSeries>>>();
  const backendSeries = new Map<string, HistogramSeries>();
  let knownReasons = new Set<string>();
  let knownKinds = new Set<string>();

  return {
    registry,
    skipper,
    requestDone(routeId, method, status, seconds) {
      // Nested maps keyed by the strings as they come (route ids and node's method names keep their hash),
      // so a request builds no key string.
      let byMethod = requestSeries.get(routeId);
      if (byMethod === undefined) requestSeries.set(routeId, (byMethod = new Map()));
      let byStatus = byMethod.get(method);
      if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
      let r = byStatus.get(status);
      if (r === undefined) {
        const code = String(status);
        r = { count: requests.labels({ route: routeId, method, code }), duration: requestDuration.labels({ route: routeId, code }) };
        byStatus.set(status, r);
      }
      r.count.inc();
      r.duration.observe(seconds);
    },
    backendDone(host, seconds) {
      let b = backendSeries.get(host);
      if (b === undefined) {
        b = backendDuration.labels({ host });
        backendSeries.set(host, b);
      }
      b.observe(seconds);
    },
    backendError(host, kind) {
      backendErrors.labels(host, kind).inc();
    },
    routeTable(stats) {
      tableRoutes.set(stats.routes);
      tableGeneration.set(stats.generation);
      const reasons = new Set(Object.keys(stats.invalidByReason));
      // A reason that disappeared reads 0 instead of keeping its last count.
      for (const r of knownReasons) if (!reasons.has(r)) invalidRoutes.labels(r).set(0);
      for (const [r, n] of Object.entries(stats.invalidByReason)) invalidRoutes.labels(r).set(n);
      knownReasons = new Set([...knownReasons, ...reasons]);
    },
    routeUpdate(seconds) {
      updateDuration.observe(seconds);
    },
    sourceError(source) {
      sourceErrors.labels(source).inc();
    },
    kubernetesInvalidObjects(byKind) {
      const kinds = Object.keys(byKind);
      // A kind whose objects were all fixed reads 0 instead of keeping its last count.
      for (const k of knownKinds) if (byKind[k] === undefined) kubeInvalid.labels(k).set(0);
      for (const k of kinds) kubeInvalid.labels(k).set(byKind[k]!);
      knownKinds = new Set([...knownKinds, ...kinds]);
    },
  };
}
