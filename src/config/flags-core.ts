/**
 * The core flags: listeners, route sources, proxy, logs, workers. Names and defaults are Skipper's
 * (config/config.go), so a Skipper deployment keeps its pod args. Each key is the camelCase of its flag name.
 */
import { flag } from './flag-types.ts';
import { defaultWorkerCount } from './cgroup-cpus.ts';

const S = 1000;

export const coreFlags = {
  configFile: flag.string('config-file', '', 'YAML file with the same keys as the flags; flags given on the command line override it'),
  version: flag.bool('version', false, 'print the skipjack version and exit'),

  // listeners
  address: flag.string('address', ':9090', 'network address the proxy listens on'),
  supportListener: flag.string('support-listener', ':9911', 'network address of /metrics, /routes and /healthz; empty disables it'),
  tlsCert: flag.list('tls-cert', [], 'certificate file(s) (PEM, with intermediates) for HTTPS on -address, comma separated'),
  tlsKey: flag.list('tls-key', [], 'private key file(s) matching -tls-cert, comma separated, same order'),
  readTimeoutServer: flag.duration('read-timeout-server', 5 * 60 * S, 'maximum time to read a whole request, body included; 0 for none'),
  readHeaderTimeoutServer: flag.duration('read-header-timeout-server', 60 * S, 'maximum time to read the request headers; 0 for none'),
  writeTimeoutServer: flag.duration('write-timeout-server', 60 * S, 'maximum time from the end of the request headers to the end of the response; 0 for none'),
  idleTimeoutServer: flag.duration('idle-timeout-server', 60 * S, 'how long an idle keep-alive client connection stays open'),
  maxHeaderBytes: flag.int('max-header-bytes', 1048576, 'maximum size of the request headers'),
  waitForHealthcheckInterval: flag.duration('wait-for-healthcheck-interval', 45 * S, 'on SIGTERM/SIGINT: how long /healthz reports unhealthy before the listener stops accepting connections'),
  workers: flag.int('workers', defaultWorkerCount(), 'number of worker processes sharing -address; 1 runs a single process. Each worker is a Node.js process of its own: see docs/performance.md for its memory', { docDefault: 'the whole CPUs of the cgroup CPU quota (cpu.max), else the number of CPUs' }),
  experimentalUpgrade: flag.bool('experimental-upgrade', false, 'pass protocol upgrades (WebSocket) through to the backend'),

  // route sources
  routesFile: flag.string('routes-file', '', 'eskip file with routes; watched, an edit is served without restart'),
  inlineRoutes: flag.string('inline-routes', '', 'routes in eskip format'),
  routesUrls: flag.list('routes-urls', [], 'comma separated URLs serving eskip routes, polled with ETag/If-None-Match'),
  sourcePollTimeout: flag.int('source-poll-timeout', 3000, 'polling interval and request timeout of remote route sources, in milliseconds'),
  maxRouteSourceBytes: flag.int('max-route-source-bytes', 268435456, 'largest routes file, -routes-urls document or -inline-routes text accepted, in bytes (skipjack only; Skipper has no bound); a larger one is refused with an error naming it'),
  maxRoutes: flag.int('max-routes', 2000000, 'most routes one route source may deliver, and one route table hold (skipjack only; Skipper has no bound); a larger list is refused with an error naming the source and the count, and the previous table is kept; 0 for no bound'),
  defaultFiltersPrepend: flag.string('default-filters-prepend', '', 'eskip filters put in front of the filters of every route'),
  defaultFiltersAppend: flag.string('default-filters-append', '', 'eskip filters put after the filters of every route'),
  forwardBackendUrl: flag.string('forward-backend-url', '', 'target URL of the <forward> backend'),
  editRoute: flag.multi('edit-route', 'repeatable /regexp/replacement/ (any delimiter) applied to the text of every predicate and filter of every route; the first character is the delimiter'),
  cloneRoute: flag.multi('clone-route', 'repeatable /regexp/replacement/ like -edit-route, adding a changed copy of each route it changes, with id clone_<id>'),

  // routing
  ignoreTrailingSlash: flag.bool('ignore-trailing-slash', false, 'Path("/a") also matches "/a/" and Path("/a/") also "/a"'),
  disabledFilters: flag.list('disabled-filters', [], 'filters unavailable for use, comma separated: a route using one is invalid (reason unknown_filter) and a default filter using one fails start-up'),
  reverseSourcePredicate: flag.bool('reverse-source-predicate', false, 'Source() takes the client IP from the last X-Forwarded-For entry (where AWS ALB puts it) instead of the first, which the client can set'),

  // proxy
  maxLoopbacks: flag.int('max-loopbacks', 9, 'maximum number of loopbacks of one incoming request'),
  timeoutBackend: flag.duration('timeout-backend', 60 * S, 'connect timeout of backend connections'),
  responseHeaderTimeoutBackend: flag.duration('response-header-timeout-backend', 60 * S, 'how long to wait for the backend response headers'),
  keepaliveBackend: flag.duration('keepalive-backend', 30 * S, 'keep-alive time of idle backend connections'),
  maxIdleConnectionBackend: flag.int('max-idle-connection-backend', 0, 'maximum idle backend connections in total, the longest idle is closed beyond it; 0 for no limit'),
  idleConnsNum: flag.int('idle-conns-num', 64, 'maximum idle connections per backend host, the longest idle is closed beyond it; 0 for 64'),
  closeIdleConnsPeriod: flag.duration('close-idle-conns-period', 20 * S, 'how often all idle backend connections are closed; 0 never'),
  forwardedHeaders: flag.list('forwarded-headers', [], 'X-Forwarded-* headers added to the request before routing, comma separated: X-Forwarded-For (append the client IP), X-Forwarded-Host, X-Forwarded-Method, X-Forwarded-Uri, X-Forwarded-Port=<port>, X-Forwarded-Proto=<http|https>; none by default'),
  forwardedHeadersExcludeCidrs: flag.list('forwarded-headers-exclude-cidrs', [], 'requests from these networks (comma separated CIDRs) get no -forwarded-headers'),
  proxyPreserveHost: flag.bool('proxy-preserve-host', false, 'send the incoming Host header to the backend instead of the backend host'),
  removeHopHeaders: flag.bool('remove-hop-headers', false, 'Skipper\'s opt-in; skipjack always removes hop-by-hop headers (RFC 9110 section 7.6.1)', { status: 'accepted' }),
  passiveHealthCheck: flag.map('passive-health-check', 'passive health check parameters: period=1m,min-requests=10,max-drop-probability=0.9,min-drop-probability=0.05,max-unhealthy-endpoints-ratio=1.0'),
  activeHealthCheck: flag.map('active-health-check', 'skipjack extension: endpoints the passive health check finds fully unhealthy leave rotation and are probed until healthy: path=/healthz,interval=1s,timeout=1s,healthy=2 (needs -passive-health-check)'),

  // logs
  accessLogDisabled: flag.bool('access-log-disabled', false, 'print no access log'),
  accessLogJsonEnabled: flag.bool('access-log-json-enabled', false, 'print the access log as JSON instead of Apache combined format'),
  applicationLogLevel: flag.string('application-log-level', 'INFO', 'application log level: PANIC, FATAL, ERROR, WARN, INFO, DEBUG'),
  applicationLogJsonEnabled: flag.bool('application-log-json-enabled', false, 'print the application log as JSON'),
  applicationLogPrefix: flag.string('application-log-prefix', '[APP]', 'prefix of every text application log line'),
  applicationLog: flag.string('application-log', '', 'application log file (appended to); stderr when empty'),
  accessLog: flag.string('access-log', '', 'access log file (appended to); stderr when empty, as Skipper'),
  accessLogStripQuery: flag.bool('access-log-strip-query', false, 'leave query strings out of the access log'),
};
