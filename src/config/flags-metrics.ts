/**
 * The metrics flags skipjack acts on, with Skipper's names and defaults (config/config.go). skipjack always
 * serves the Prometheus text format on -support-listener's /metrics with its own `skipjack_` names; Skipper's
 * Prometheus names (`skipper_…`) are added when -metrics-flavour includes `prometheus` (or
 * -enable-prometheus-metrics), and the per-route/per-host switches below choose which of them, as in Skipper.
 */
import { flag } from './flag-types.ts';

export const metricsFlags = {
  metricsFlavour: flag.list('metrics-flavour', ['codahale'], 'metrics formats, comma separated: codahale, prometheus, otel. skipjack always serves Prometheus text with skipjack_ names; "prometheus" adds Skipper\'s skipper_ names (docs/reference/metrics.md); codahale JSON and otel are not served'),
  enablePrometheusMetrics: flag.bool('enable-prometheus-metrics', false, 'deprecated Skipper switch, the same as -metrics-flavour=prometheus'),
  metricsPrefix: flag.string('metrics-prefix', 'skipper.', 'namespace of Skipper\'s Prometheus metric names, a trailing dot dropped ("skipper." gives skipper_…)'),
  serveRouteMetrics: flag.bool('serve-route-metrics', false, 'skipper_serve_route_duration_seconds by route'),
  serveRouteCounter: flag.bool('serve-route-counter', false, 'skipper_serve_route_count by route, method and code'),
  serveHostMetrics: flag.bool('serve-host-metrics', false, 'skipper_serve_host_duration_seconds by host'),
  serveHostCounter: flag.bool('serve-host-counter', false, 'skipper_serve_host_count by host, method and code'),
  serveMethodMetric: flag.bool('serve-method-metric', true, 'the method label on the serve duration metrics'),
  serveStatusCodeMetric: flag.bool('serve-status-code-metric', true, 'the code label on the serve duration metrics'),
  backendHostMetrics: flag.bool('backend-host-metrics', false, 'skipper_backend_duration_seconds by backend host'),
  routeBackendMetrics: flag.bool('route-backend-metrics', false, 'skipper_backend_duration_seconds by route (on unless -disable-metrics-compat)'),
  routeResponseMetrics: flag.bool('route-response-metrics', false, 'skipper_response_duration_seconds by route (on unless -disable-metrics-compat)'),
  routeBackendErrorCounters: flag.bool('route-backend-error-counters', false, 'skipper_backend_error_total by route (on unless -disable-metrics-compat)'),
  combinedResponseMetrics: flag.bool('combined-response-metrics', false, 'skipper_response_duration_seconds with an empty route label'),
  disableMetricsCompat: flag.bool('disable-metrics-compat', false, 'do not turn on Skipper\'s compatibility defaults (-route-backend-metrics, -route-response-metrics, -route-backend-error-counters)'),
  histogramMetricBuckets: flag.string('histogram-metric-buckets', '', 'histogram buckets of the skipper_ duration metrics in seconds, comma separated; Prometheus\' default buckets when empty'),
};
