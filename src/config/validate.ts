/** Checks that go beyond a single value's syntax; each names the flag it rejects. */
import { parseFilters, parsePredicates } from '../eskip/index.ts';
import { ConfigError } from './errors.ts';
import { METRICS_FLAVOURS, parseHistogramBuckets } from '../metrics/skipper-options.ts';
import type { Config } from './table.ts';
import { parsePassiveHealthCheck } from './passive-health-check.ts';
import { parseRouteChange } from '../routing/route-changes.ts';
import { parseCidrs } from '../net/index.ts';
import { parseForwardedHeaders } from './forwarded-headers.ts';
import { parseListenAddress } from '../net/index.ts';
import { parseBreakerFlag } from '../circuit/settings.ts';
import { parseActiveHealthCheck } from './active-health-check.ts';
import { parseRatelimitsFlag } from '../ratelimit/settings.ts';

/** logrus level names, which Skipper accepts case-insensitively. */
export const LOG_LEVELS = ['panic', 'fatal', 'error', 'warn', 'warning', 'info', 'debug', 'trace'] as const;

const PATH_MODES = ['kubernetes-ingress', 'path-regexp', 'path-prefix'];
const TRAFFIC_ALGORITHMS = ['traffic-predicate', 'traffic-segment-predicate'];

function bad(flag: string, value: unknown, why: string): never {
  throw new ConfigError(`invalid value "${String(value)}" for flag -${flag}: ${why}`);
}

function eskipFragment(flag: string, text: string, parse: (t: string) => unknown): void {
  if (text.trim() === '') return;
  try {
    parse(text);
  } catch (err) {
    bad(flag, text, (err as Error).message);
  }
}

/** A listen address is checked before any listener starts, so a typo never leaves one half-started. */
function listenAddress(flag: string, addr: string): void {
  try {
    parseListenAddress(addr);
  } catch (err) {
    bad(flag, addr, (err as Error).message.replace(/^invalid address "[^"]*": /, ''));
  }
}

export function validateConfig(c: Config): void {
  listenAddress('address', c.address);
  if (c.supportListener !== '') listenAddress('support-listener', c.supportListener);
  if (!(LOG_LEVELS as readonly string[]).includes(c.applicationLogLevel.toLowerCase())) {
    bad('application-log-level', c.applicationLogLevel, 'expected one of PANIC, FATAL, ERROR, WARN, INFO, DEBUG');
  }
  if (c.workers < 1) bad('workers', c.workers, 'must be at least 1');
  if (c.sourcePollTimeout <= 0) bad('source-poll-timeout', c.sourcePollTimeout, 'must be a positive number of milliseconds');
  if (c.maxHeaderBytes <= 0) bad('max-header-bytes', c.maxHeaderBytes, 'must be positive');
  if (c.tlsCert.length !== c.tlsKey.length) {
    bad(c.tlsKey.length < c.tlsCert.length ? 'tls-key' : 'tls-cert', (c.tlsKey.length < c.tlsCert.length ? c.tlsKey : c.tlsCert).join(','),
      `-tls-cert has ${c.tlsCert.length} file(s) but -tls-key has ${c.tlsKey.length}`);
  }
  for (const [flag, ms] of [
    ['read-timeout-server', c.readTimeoutServer], ['read-header-timeout-server', c.readHeaderTimeoutServer],
    ['write-timeout-server', c.writeTimeoutServer], ['idle-timeout-server', c.idleTimeoutServer],
    ['wait-for-healthcheck-interval', c.waitForHealthcheckInterval], ['timeout-backend', c.timeoutBackend],
    ['response-header-timeout-backend', c.responseHeaderTimeoutBackend], ['keepalive-backend', c.keepaliveBackend],
    ['close-idle-conns-period', c.closeIdleConnsPeriod],
  ] as const) {
    if (ms < 0) bad(flag, `${ms}ms`, 'must not be negative');
  }
  eskipFragment('default-filters-prepend', c.defaultFiltersPrepend, parseFilters);
  eskipFragment('default-filters-append', c.defaultFiltersAppend, parseFilters);
  eskipFragment('kubernetes-east-west-range-predicates', c.kubernetesEastWestRangePredicates, parsePredicates);
  if (!PATH_MODES.includes(c.kubernetesPathMode)) bad('kubernetes-path-mode', c.kubernetesPathMode, `expected one of ${PATH_MODES.join(', ')}`);
  if (!TRAFFIC_ALGORITHMS.includes(c.kubernetesBackendTrafficAlgorithm)) {
    bad('kubernetes-backend-traffic-algorithm', c.kubernetesBackendTrafficAlgorithm, `expected one of ${TRAFFIC_ALGORITHMS.join(', ')}`);
  }
  try {
    parsePassiveHealthCheck(c.passiveHealthCheck);
  } catch (err) {
    bad('passive-health-check', Object.entries(c.passiveHealthCheck).map(([k, v]) => `${k}=${v}`).join(','), (err as Error).message);
  }
  for (const [flag, specs] of [['edit-route', c.editRoute], ['clone-route', c.cloneRoute]] as const) {
    for (const spec of specs) {
      try {
        parseRouteChange(spec);
      } catch (err) {
        bad(flag, spec, (err as Error).message);
      }
    }
  }
  try {
    if (parseActiveHealthCheck(c.activeHealthCheck) !== null && Object.keys(c.passiveHealthCheck).length === 0) {
      throw new Error('needs -passive-health-check, which finds the endpoints to probe');
    }
  } catch (err) {
    bad('active-health-check', Object.entries(c.activeHealthCheck).map(([k, v]) => `${k}=${v}`).join(','), (err as Error).message);
  }
  for (const b of c.breaker) {
    try {
      parseBreakerFlag(b);
    } catch (err) {
      bad('breaker', b, (err as Error).message);
    }
  }
  try {
    parseForwardedHeaders(c.forwardedHeaders);
  } catch (err) {
    bad('forwarded-headers', c.forwardedHeaders.join(','), (err as Error).message);
  }
  try {
    parseCidrs(c.forwardedHeadersExcludeCidrs);
  } catch (err) {
    bad('forwarded-headers-exclude-cidrs', c.forwardedHeadersExcludeCidrs.join(','), (err as Error).message);
  }
  for (const url of c.routesUrls) {
    if (!URL.canParse(url)) bad('routes-urls', url, 'not a URL');
  }
  for (const r of c.ratelimits) {
    try {
      parseRatelimitsFlag(r);
    } catch (err) {
      bad('ratelimits', r, (err as Error).message);
    }
  }
  if (c.validationWebhookEnabled && (c.validationWebhookCertFile === '' || c.validationWebhookKeyFile === '')) {
    // Skipper refuses the same: the API server only calls admission webhooks over HTTPS.
    bad('validation-webhook-enabled', true, 'the webhook serves HTTPS only: set -validation-webhook-cert-file and -validation-webhook-key-file');
  }
  for (const f of c.metricsFlavour) {
    if (!(METRICS_FLAVOURS as readonly string[]).includes(f)) bad('metrics-flavour', c.metricsFlavour.join(','), `unknown flavour "${f}": expected codahale, prometheus or otel`);
  }
  try {
    parseHistogramBuckets(c.histogramMetricBuckets);
  } catch (err) {
    bad('histogram-metric-buckets', c.histogramMetricBuckets, (err as Error).message);
  }
}
