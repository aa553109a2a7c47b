/**
 * Skipper flags that skipjack accepts and ignores, so that existing Skipper pod args parse. Each is listed in
 * docs/reference/flags.md as accepted without effect; an unknown flag still fails start-up.
 */
import { flag } from './flag-types.ts';

const S = 1000;
const accepted = { status: 'accepted' } as const;

export const compatFlags = {
  insecureAddress: flag.string('insecure-address', '', 'plain HTTP address when TLS is on', accepted),
  insecure: flag.bool('insecure', false, 'skip backend TLS certificate verification', accepted),
  ignoreTrailingSlash: flag.bool('ignore-trailing-slash', false, 'ignore trailing slashes when routing', accepted),
  normalizeHost: flag.bool('normalize-host', false, 'lower-case the Host and strip port and trailing dot before routing', accepted),
  defaultHttpStatus: flag.int('default-http-status', 404, 'status when no route matches', accepted),
  devMode: flag.bool('dev-mode', false, 'developer mode', accepted),
  debugListener: flag.string('debug-listener', '', 'address of the debug listener', accepted),
  metricsListener: flag.string('metrics-listener', ':9911', 'Skipper\'s separate metrics address; skipjack serves metrics on -support-listener', accepted),
  metricsPrefix: flag.string('metrics-prefix', 'skipper.', 'Skipper\'s metrics path prefix; skipjack metric names start with skipjack_', accepted),
  metricsFlavour: flag.list('metrics-flavour', ['codahale'], 'Skipper metrics formats; skipjack always serves Prometheus', accepted),
  enablePrometheusMetrics: flag.bool('enable-prometheus-metrics', false, 'deprecated Skipper switch to Prometheus metrics', accepted),
  enableConnectionMetrics: flag.bool('enable-connection-metrics', false, 'connection metrics of the server', accepted),
  serveRouteMetrics: flag.bool('serve-route-metrics', false, 'per-route serve time metrics', accepted),
  serveRouteCounter: flag.bool('serve-route-counter', false, 'per-route request counters', accepted),
  serveHostMetrics: flag.bool('serve-host-metrics', false, 'per-host serve time metrics', accepted),
  serveHostCounter: flag.bool('serve-host-counter', false, 'per-host request counters', accepted),
  backendHostMetrics: flag.bool('backend-host-metrics', false, 'per-backend-host metrics', accepted),
  routeBackendMetrics: flag.bool('route-backend-metrics', false, 'per-route backend metrics', accepted),
  routeResponseMetrics: flag.bool('route-response-metrics', false, 'per-route response metrics', accepted),
  allFiltersMetrics: flag.bool('all-filters-metrics', false, 'combined filter metrics per route', accepted),
  combinedResponseMetrics: flag.bool('combined-response-metrics', false, 'combined response time metrics', accepted),
  runtimeMetrics: flag.bool('runtime-metrics', true, 'runtime metrics', accepted),
  histogramMetricBuckets: flag.string('histogram-metric-buckets', '', 'custom histogram buckets, comma separated', accepted),
  disableMetricsCompat: flag.bool('disable-metrics-compat', false, 'disable metrics compatibility defaults', accepted),
  enableProfile: flag.bool('enable-profile', false, 'profiling endpoints', accepted),
  opentracing: flag.string('opentracing', 'noop', 'tracer and its arguments, space separated', accepted),
  applicationLog: flag.string('application-log', '', 'application log file; stderr when empty', accepted),
  accessLog: flag.string('access-log', '', 'access log file; stdout when empty', accepted),
  accessLogStripQuery: flag.bool('access-log-strip-query', false, 'strip query strings from the access log', accepted),
  suppressRouteUpdateLogs: flag.bool('suppress-route-update-logs', false, 'log only summaries of route updates', accepted),
  maxAuditBody: flag.int('max-audit-body', 1024, 'maximum body size in the audit log', accepted),
  lbHealthcheckInterval: flag.duration('lb-healthcheck-interval', 0, 'deprecated in Skipper, unused', accepted),
  tlsTimeoutBackend: flag.duration('tls-timeout-backend', 60 * S, 'TLS handshake timeout of backend connections', accepted),
  expectContinueTimeoutBackend: flag.duration('expect-continue-timeout-backend', 30 * S, 'Expect: 100-continue timeout of backend connections', accepted),
  enableDualstackBackend: flag.bool('enable-dualstack-backend', true, 'dual-stack backend dialing', accepted),
  disableHttpKeepalives: flag.bool('disable-http-keepalives', false, 'a new backend connection for every request', accepted),
  backendFlushInterval: flag.duration('backend-flush-interval', 20, 'flush interval of upgraded connections', accepted),
  experimentalUpgradeAudit: flag.bool('experimental-upgrade-audit', false, 'audit log of upgraded connections', accepted),
  keepaliveServer: flag.duration('keepalive-server', 0, 'maximum age of client connections; 0 unlimited', accepted),
  keepaliveRequestsServer: flag.int('keepalive-requests-server', 0, 'maximum requests per client connection; 0 unlimited', accepted),
  disabledFilters: flag.list('disabled-filters', [], 'filters unavailable for use, comma separated', accepted),
  waitFirstRouteLoad: flag.bool('wait-first-route-load', false, 'skipjack always waits for the first route load before listening', accepted),
  forwardedHeaders: flag.list('forwarded-headers', [], 'X-Forwarded-* headers to add before routing', accepted),
  tlsMinVersion: flag.string('tls-min-version', '1.2', 'minimum TLS version', accepted),
  enableTcpQueue: flag.bool('enable-tcp-queue', false, 'TCP listener queue', accepted),
  maxTcpListenerConcurrency: flag.int('max-tcp-listener-concurrency', 0, 'TCP listener concurrency', accepted),
  maxTcpListenerQueue: flag.int('max-tcp-listener-queue', 0, 'TCP listener queue size', accepted),
  expectedBytesPerRequest: flag.int('expected-bytes-per-request', 51200, 'bytes per request for TCP queue limits', accepted),
};
