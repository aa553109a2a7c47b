/**
 * Skipper's Prometheus metrics (metrics/prometheus.go): the names, labels and buckets an existing Skipper
 * dashboard or alert queries, served beside skipjack's own `skipjack_` names with -metrics-flavour=prometheus.
 * Which families get observations follows Skipper's flags (skipper-options.ts). Request-path series are
 * cached per label set in nested maps, as in proxy-metrics.ts, so a request builds no key string.
 */
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { RouteDef } from '../eskip/index.ts';
import type { InvalidRoute } from '../routing/types.ts';
import { FastCounter, FastHistogram, type CounterSeries, type HistogramSeries } from './fast-metrics.ts';
import type { SkipperMetricsOptions } from './skipper-options.ts';

/** Skipper's label for a host with no Host predicate on its route, or no route. */
const UNKNOWN_HOST = '_unknownhost_';

/** Skipper's hostForKey: dots and colons would be path separators in its codahale keys. */
function hostForKey(h: string): string {
  return h.replaceAll('.', '_').replaceAll(':', '__');
}

export interface SkipperMetrics {
  /** One finished client request; `routeId` '' when no route matched. */
  requestDone(routeId: string, host: string, method: string, status: number, seconds: number, backendSeconds: number): void;
  /** One backend round trip with a response. */
  backendDone(routeId: string, backendHost: string, status: number, seconds: number): void;
  backendError(routeId: string): void;
  /** A new route table in a process that serves requests: which routes label serve metrics by host. */
  routesChanged(routes: readonly RouteDef[]): void;
  /** A new route table where routes are built: skipper_route_invalid and routes.total, and routesChanged. */
  routeTable(routes: readonly RouteDef[], invalid: readonly InvalidRoute[], updateSeconds: number): void;
}

interface ServeSeries {
  serve: HistogramSeries | null;
  count: CounterSeries | null;
  response: HistogramSeries | null;
  combined: HistogramSeries | null;
}

type ByCode<T> = Map<string, Map<string, Map<number, T>>>;

function cached<T>(m: ByCode<T>, a: string, b: string, code: number, make: () => T): T {
  let byB = m.get(a);
  if (byB === undefined) m.set(a, (byB = new Map()));
  let byCode = byB.get(b);
  if (byCode === undefined) byB.set(b, (byCode = new Map()));
  let s = byCode.get(code);
  if (s === undefined) byCode.set(code, (s = make()));
  return s;
}

export function createSkipperMetrics(registry: Registry, o: SkipperMetricsOptions): SkipperMetrics {
  const ns = o.namespace;
  const registers = [registry];
  const buckets = o.buckets;
  const hist = (name: string, help: string) => new FastHistogram({ name: `${ns}_${name}`, help, buckets, registers });
  const counter = (name: string, help: string) => new FastCounter({ name: `${ns}_${name}`, help, registers });

  const serveRoute = hist('serve_route_duration_seconds', 'Duration in seconds of serving a route.');
  const serveRouteCount = counter('serve_route_count', 'Total number of requests of serving a route.');
  const serveHost = hist('serve_host_duration_seconds', 'Duration in seconds of serving a host.');
  const serveHostCount = counter('serve_host_count', 'Total number of requests of serving a host.');
  const response = hist('response_duration_seconds', 'Duration in seconds of a response.');
  const backend = hist('backend_duration_seconds', 'Duration in seconds of a proxy backend.');
  const backendCombined = hist('backend_combined_duration_seconds', 'Duration in seconds of a proxy backend combined.').labels({});
  const backend5xx = hist('backend_5xx_duration_seconds', 'Duration in seconds of backend 5xx.').labels({});
  const backendErrors = counter('backend_error_total', 'Total number of backend route errors.');
  const proxyTotal = hist('proxy_total_duration_seconds', 'Total duration in seconds of skipper latency.').labels({});
  const routeErrors = counter('route_error_total', 'The total of route lookup errors.').labels({});
  const invalidRoutes = new Gauge({ name: `${ns}_route_invalid`, help: 'Invalid route by route ID and name.', labelNames: ['route_id', 'reason'], registers, aggregator: 'max' });
  const customGauges = new Gauge({ name: `${ns}_custom_gauges`, help: 'Gauges number of custom metrics.', labelNames: ['key'], registers, aggregator: 'max' });
  const customDurations = new Histogram({ name: `${ns}_custom_duration_seconds`, help: 'Duration in seconds of custom metrics.', labelNames: ['key'], buckets: [...buckets], registers });

  const serveLabels = (code: number, method: string): Record<string, string> => {
    const l: Record<string, string> = {};
    if (o.serveCode) l.code = String(code);
    if (o.serveMethod) l.method = method;
    return l;
  };
  const byRoute: ByCode<ServeSeries> = new Map();
  const byHost: ByCode<{ serve: HistogramSeries | null; count: CounterSeries | null }> = new Map();
  const backendByRoute = new Map<string, HistogramSeries>();
  const backendByHost = new Map<string, HistogramSeries>();
  const backendErrorsByRoute = new Map<string, CounterSeries>();
  // Routes whose requests are labelled by their Host header (Skipper's metricsHost); set at route-build time.
  let hostRoutes = new Set<string>();
  const wantHost = o.serveHost || o.serveHostCounter;

  return {
    requestDone(routeId, host, method, status, seconds, backendSeconds) {
      const r = cached(byRoute, routeId, method, status, () => ({
        serve: o.serveRoute ? serveRoute.labels({ ...serveLabels(status, method), route: routeId }) : null,
        count: o.serveRouteCounter ? serveRouteCount.labels({ code: String(status), method, route: routeId }) : null,
        response: o.routeResponse ? response.labels({ code: String(status), method, route: routeId }) : null,
        combined: o.combinedResponse ? response.labels({ code: String(status), method, route: '' }) : null,
      }));
      r.serve?.observe(seconds);
      r.count?.inc();
      r.response?.observe(seconds);
      r.combined?.observe(seconds);
      if (wantHost) {
        const label = hostRoutes.has(routeId) ? host : UNKNOWN_HOST;
        const h = cached(byHost, label, method, status, () => ({
          serve: o.serveHost ? serveHost.labels({ ...serveLabels(status, method), host: hostForKey(label) }) : null,
          count: o.serveHostCounter ? serveHostCount.labels({ code: String(status), method, host: hostForKey(label) }) : null,
        }));
        h.serve?.observe(seconds);
        h.count?.inc();
      }
      if (routeId === '') routeErrors.inc();
      proxyTotal.observe(Math.max(0, seconds - backendSeconds));
    },
    backendDone(routeId, backendHost, status, seconds) {
      backendCombined.observe(seconds);
      if (status >= 500) backend5xx.observe(seconds);
      if (o.routeBackend) {
        let s = backendByRoute.get(routeId);
        if (s === undefined) backendByRoute.set(routeId, (s = backend.labels({ route: routeId, host: '', zone: '' })));
        s.observe(seconds);
      }
      if (o.backendHost) {
        let s = backendByHost.get(backendHost);
        if (s === undefined) backendByHost.set(backendHost, (s = backend.labels({ route: '', host: backendHost, zone: '' })));
        s.observe(seconds);
      }
    },
    backendError(routeId) {
      if (!o.routeBackendErrors) return;
      let s = backendErrorsByRoute.get(routeId);
      if (s === undefined) backendErrorsByRoute.set(routeId, (s = backendErrors.labels({ route: routeId })));
      s.inc();
    },
    routesChanged(routes) {
      if (!wantHost) return;
      const next = new Set<string>();
      for (const r of routes) if (r.predicates.some((p) => p.name === 'Host' || p.name === 'HostAny')) next.add(r.id);
      hostRoutes = next;
    },
    routeTable(routes, invalid, updateSeconds) {
      this.routesChanged(routes);
      // Skipper never clears this gauge; a route that became valid again reads as gone here, not as still invalid.
      invalidRoutes.reset();
      for (const inv of invalid) invalidRoutes.labels(inv.id, inv.reason).set(1);
      customGauges.labels('routes.total').set(routes.length);
      customGauges.labels('routes.updated_timestamp').set(Math.floor(Date.now() / 1000));
      customDurations.labels('routes.update_latency').observe(updateSeconds);
    },
  };
}
