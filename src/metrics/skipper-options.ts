/**
 * Which of Skipper's Prometheus metrics a configuration asks for, decided once at start-up from Skipper's
 * flags (metrics/metrics.go Options, with applyCompatibilityDefaults).
 */

/** prometheus.DefBuckets, Skipper's histogram buckets unless -histogram-metric-buckets says otherwise. */
export const PROMETHEUS_DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const METRICS_FLAVOURS = ['codahale', 'prometheus', 'otel'] as const;

export interface SkipperMetricsOptions {
  /** `skipper` from -metrics-prefix=skipper. */
  namespace: string;
  buckets: readonly number[];
  serveRoute: boolean;
  serveRouteCounter: boolean;
  serveHost: boolean;
  serveHostCounter: boolean;
  serveMethod: boolean;
  serveCode: boolean;
  backendHost: boolean;
  routeBackend: boolean;
  routeResponse: boolean;
  combinedResponse: boolean;
  routeBackendErrors: boolean;
}

/** -histogram-metric-buckets: ascending numbers; throws with the reason. */
export function parseHistogramBuckets(text: string): number[] {
  if (text.trim() === '') return [...PROMETHEUS_DEFAULT_BUCKETS];
  const out = text.split(',').map((s) => {
    const n = Number(s.trim());
    if (s.trim() === '' || !Number.isFinite(n)) throw new Error(`"${s}" is not a number`);
    return n;
  });
  for (let i = 1; i < out.length; i++) if (out[i]! <= out[i - 1]!) throw new Error('buckets must be in increasing order');
  return out;
}

/** The flags skipperMetricsOptions reads (the start-up Config has them, by Skipper's flag names). */
export interface SkipperMetricsFlags {
  enablePrometheusMetrics: boolean;
  metricsFlavour: readonly string[];
  disableMetricsCompat: boolean;
  metricsPrefix: string;
  histogramMetricBuckets: string;
  serveRouteMetrics: boolean;
  serveRouteCounter: boolean;
  serveHostMetrics: boolean;
  serveHostCounter: boolean;
  serveMethodMetric: boolean;
  serveStatusCodeMetric: boolean;
  backendHostMetrics: boolean;
  routeBackendMetrics: boolean;
  routeResponseMetrics: boolean;
  combinedResponseMetrics: boolean;
  routeBackendErrorCounters: boolean;
}

/** Null unless the Prometheus flavour is on: Skipper has no skipper_ Prometheus names without it. */
export function skipperMetricsOptions(c: SkipperMetricsFlags): SkipperMetricsOptions | null {
  if (!c.enablePrometheusMetrics && !c.metricsFlavour.includes('prometheus')) return null;
  const compat = !c.disableMetricsCompat;
  return {
    namespace: c.metricsPrefix.replace(/\.$/, '').replace(/[^a-zA-Z0-9_]/g, '_'),
    buckets: parseHistogramBuckets(c.histogramMetricBuckets),
    serveRoute: c.serveRouteMetrics,
    serveRouteCounter: c.serveRouteCounter,
    serveHost: c.serveHostMetrics,
    serveHostCounter: c.serveHostCounter,
    serveMethod: c.serveMethodMetric,
    serveCode: c.serveStatusCodeMetric,
    backendHost: c.backendHostMetrics,
    routeBackend: compat || c.routeBackendMetrics,
    routeResponse: compat || c.routeResponseMetrics,
    combinedResponse: c.combinedResponseMetrics,
    routeBackendErrors: compat || c.routeBackendErrorCounters,
  };
}
