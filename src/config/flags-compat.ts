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
  normalizeHost: flag.bool('normalize-host', false, 'lower-case the Host and strip port and trailing dot before routing', accepted),
  defaultHttpStatus: flag.int('default-http-status', 404, 'status when no route matches', accepted),
  devMode: flag.bool('dev-mode', false, 'developer mode', accepted),
  debugListener: flag.string('debug-listener', '', 'address of the debug listener', accepted),
  metricsListener: flag.string('metrics-listener', ':9911', 'Skipper\'s separate metrics address; skipjack serves metrics on -support-listener', accepted),
  enableConnectionMetrics: flag.bool('enable-connection-metrics', false, 'connection metrics of the server', accepted),
  allFiltersMetrics: flag.bool('all-filters-metrics', false, 'combined filter metrics per route', accepted),
  runtimeMetrics: flag.bool('runtime-metrics', true, 'runtime metrics', accepted),
  enableProfile: flag.bool('enable-profile', false, 'profiling endpoints', accepted),
  opentracing: flag.string('opentracing', 'noop', 'tracer and its arguments, space separated', accepted),
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
  waitFirstRouteLoad: flag.bool('wait-first-route-load', false, 'skipjack always waits for the first route load before listening', accepted),
  tlsMinVersion: flag.string('tls-min-version', '1.2', 'minimum TLS version', accepted),
  enableTcpQueue: flag.bool('enable-tcp-queue', false, 'TCP listener queue', accepted),
  maxTcpListenerConcurrency: flag.int('max-tcp-listener-concurrency', 0, 'TCP listener concurrency', accepted),
  maxTcpListenerQueue: flag.int('max-tcp-listener-queue', 0, 'TCP listener queue size', accepted),
  expectedBytesPerRequest: flag.int('expected-bytes-per-request', 51200, 'bytes per request for TCP queue limits', accepted),
  rfcPatchPath: flag.bool('rfc-patch-path', false, 'keep reserved characters of the path as received', accepted),
  maxMatcherBufferSize: flag.int('max-matcher-buffer-size', 2097152, 'maximum body read by the blockContent filter', accepted),
  metricsExpDecaySample: flag.bool('metrics-exp-decay-sample', false, 'exponentially decaying metric samples', accepted),
  routeStreamErrorCounters: flag.bool('route-stream-error-counters', false, 'per-route streaming error counters', accepted),
  routeCreationMetrics: flag.bool('route-creation-metrics', false, 'route creation time metrics', accepted),
  proxyRequestMetrics: flag.bool('proxy-request-metrics', false, 'request-phase latency metrics', accepted),
  proxyResponseMetrics: flag.bool('proxy-response-metrics', false, 'response-phase latency metrics', accepted),
  enableRouteFifoMetrics: flag.bool('enable-route-fifo-metrics', false, 'metrics of route FIFO queues', accepted),
  enableRouteLifoMetrics: flag.bool('enable-route-lifo-metrics', false, 'metrics of route LIFO queues', accepted),
  opentracingInitialSpan: flag.string('opentracing-initial-span', 'ingress', 'name of the initial tracing span', accepted),
  opentracingExcludedProxyTags: flag.string('opentracing-excluded-proxy-tags', '', 'tracing tags left out of proxy spans, comma separated', accepted),
  enableApiUsageMonitoring: flag.bool('enable-api-usage-monitoring', false, 'the apiUsageMonitoring filter', accepted),
  kubernetesStatusFromService: flag.string('kubernetes-status-from-service', '', 'namespace/name of the Service whose address goes into Ingress status', accepted),
};
