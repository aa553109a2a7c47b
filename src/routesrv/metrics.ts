/**
 * skipjack-routesrv's /metrics: Skipper routesrv's names (its metrics namespace is `routesrv`, so its
 * custom gauges and counters read `routesrv_custom_gauges{key="routes.total"}` and
 * `routesrv_custom_total{key="200"}`), skipjack's own `skipjack_routesrv_…` names, build info and the
 * standard process metrics.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { registerProcessInfo } from '../metrics/process-info.ts';

export interface RouteServerMetrics {
  readonly registry: Registry;
  /** A route list was published: its route count and eskip size. */
  published(routes: number, bytes: number): void;
  fetchError(): void;
  /** A /routes response with this status. */
  served(status: number): void;
}

export function createRouteServerMetrics(): RouteServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  registerProcessInfo(registry);
  const gauges = new Gauge({ name: 'routesrv_custom_gauges', help: 'Gauges number of custom metrics.', labelNames: ['key'], registers });
  const counters = new Counter({ name: 'routesrv_custom_total', help: 'Total number of custom metrics.', labelNames: ['key'], registers });
  const routes = new Gauge({ name: 'skipjack_routesrv_routes', help: 'Routes in the route list served on /routes', registers });
  const bytes = new Gauge({ name: 'skipjack_routesrv_routes_bytes', help: 'Size of the eskip route list served on /routes', registers });
  const updated = new Gauge({ name: 'skipjack_routesrv_routes_updated_timestamp_seconds', help: 'When the served route list last changed', registers });
  const updates = new Counter({ name: 'skipjack_routesrv_route_updates_total', help: 'Route lists published', registers });
  const fetchErrors = new Counter({ name: 'skipjack_routesrv_fetch_errors_total', help: 'Failed loads from the Kubernetes API (the last good routes stay served)', registers });
  const responses = new Counter({ name: 'skipjack_routesrv_responses_total', help: '/routes responses by status code', labelNames: ['code'], registers });
  let initialized = false;
  return {
    registry,
    published(n, size) {
      const now = Date.now() / 1000;
      if (!initialized) {
        initialized = true;
        gauges.labels('routes.initialized_timestamp').set(now);
      }
      gauges.labels('routes.total').set(n);
      gauges.labels('routes.byte').set(size);
      gauges.labels('routes.updated_timestamp').set(now);
      if (n === 0) counters.labels('routes.empty').inc();
      routes.set(n);
      bytes.set(size);
      updated.set(now);
      updates.inc();
    },
    fetchError() {
      counters.labels('routes.fetch_errors').inc();
      fetchErrors.inc();
    },
    served(status) {
      counters.labels(String(status)).inc();
      responses.labels(String(status)).inc();
    },
  };
}
