/**
 * The pieces every process role wires the same way: the route compiler, the proxy's options and observer,
 * the proxy and support listeners as services, and the file sinks of the logs.
 */
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/table.ts';
import { parsePassiveHealthCheck } from '../config/passive-health-check.ts';
import { parseForwardedHeaders } from '../config/forwarded-headers.ts';
import { builtinFilters } from '../filters/builtin.ts';
import { ACCESS_LOG_STATE_KEY, accessLogWanted } from '../filters/diagnostics/index.ts';
import { service, type Service } from '../lifecycle/index.ts';
import { createLoadBalancer } from '../loadbalancer/index.ts';
import type { Logger } from '../log/app-log.ts';
import { createAccessLog } from '../log/access-log.ts';
import { fileSink, type LogSink } from '../log/line-writer.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { HttpClients } from '../net/index.ts';
import { builtinPredicates } from '../predicates/builtin.ts';
import { createProxy } from '../proxy/proxy.ts';
import type { ProxyObserver, ProxyOptions } from '../proxy/types.ts';
import { incrementalCompiler, type CompileOptions, type RouteCompiler } from '../routing/compile.ts';
import type { RouteDef } from '../eskip/index.ts';
import type { RoutePostprocessor } from '../routing/pipeline.ts';
import type { InvalidRoute } from '../routing/types.ts';
import { invalidByReason } from '../routing/pipeline.ts';
import { validDefinitions } from '../server/worker-listing.ts';
import { listenOn, urlOf } from '../server/address.ts';
import type { Health } from '../server/health.ts';
import { createProxyServer, type ProxyListener } from '../server/http-server.ts';
import type { RoutesView } from '../server/routes-view.ts';
import { createSupportServer } from '../server/support.ts';
import type { CertificateStore, NamedCertificate } from '../server/tls.ts';
import type { RateLimits } from './rate-limits.ts';
import type { Resilience } from './resilience.ts';

export type Proxy = ReturnType<typeof createProxy>;

/** The longest an in-flight request may hold up shutdown: nothing outlives the write timeout anyway. */
export function drainBound(c: Config): number {
  return c.writeTimeoutServer > 0 ? c.writeTimeoutServer : 60_000;
}

/** -access-log / -application-log: a file appended to, or undefined for the standard stream. */
export function logFile(path: string): LogSink | undefined {
  return path === '' ? undefined : fileSink(path);
}

export function tlsEnabled(c: Config): boolean {
  return c.tlsCert.length > 0 || (c.kubernetes && c.kubernetesEnableTls);
}

export function proxyProtocol(c: Config): 'http' | 'https' {
  return tlsEnabled(c) ? 'https' : 'http';
}

/**
 * Route compilation, the same in the primary and every worker. Incremental: each table is compiled against
 * the previous one, so an update of one route among thousands does not rebuild the others. `shuttingDown`
 * is the instance's shutdown state, read by Shutdown() per request (the Kubernetes health-check route).
 */
export function compiler(
  c: Config, shuttingDown: () => boolean, clients: HttpClients, limits: RateLimits | null, res: Resilience | null = null,
): RouteCompiler {
  return incrementalCompiler(compileOptions(c, shuttingDown, clients, limits, res));
}

/** The registries and settings routes are compiled with; the validation webhook compiles with the same. */
export function compileOptions(
  c: Config, shuttingDown: () => boolean, clients: HttpClients, limits: RateLimits | null, res: Resilience | null = null,
): CompileOptions {
  return {
    predicates: builtinPredicates({ shuttingDown, reverseSource: c.reverseSourcePredicate }),
    filters: builtinFilters(limits?.specs ?? [], { clients, ...res?.filterDeps }),
    lbFactory: createLoadBalancer,
    ignoreTrailingSlash: c.ignoreTrailingSlash,
    disabledFilters: new Set(c.disabledFilters),
  };
}

/**
 * Breakers are asked first: an attempt to a backend known to be down does not spend a rate-limit token
 * (a half-open probe slot taken before a rate-limit refusal is given back by the composition).
 */
export function proxyOptions(c: Config, logger: Logger, limits: RateLimits | null, res: Resilience | null = null): ProxyOptions {
  const guards = [...(res?.guards ?? []), ...(limits === null ? [] : [limits.guard])];
  return {
    guard: guards.length === 0 ? null : guards,
    endpoints: res?.endpoints,
    maxLoopbacks: c.maxLoopbacks,
    backendTimeoutMs: c.timeoutBackend,
    responseHeaderTimeoutMs: c.responseHeaderTimeoutBackend,
    serverWriteTimeoutMs: c.writeTimeoutServer,
    keepAlive: c.keepaliveBackend,
    maxIdleConnsPerHost: c.idleConnsNum, maxIdleConns: c.maxIdleConnectionBackend,
    closeIdleConnsPeriodMs: c.closeIdleConnsPeriod,
    preserveHost: c.proxyPreserveHost,
    removeHopHeaders: true,
    passiveHealthCheck: parsePassiveHealthCheck(c.passiveHealthCheck),
    experimentalUpgrade: c.experimentalUpgrade,
    protocol: proxyProtocol(c),
    forwardedHeaders: parseForwardedHeaders(c.forwardedHeaders),
    forwardedHeadersExcludeCidrs: c.forwardedHeadersExcludeCidrs,
    forwardBackendUrl: c.forwardBackendUrl === '' ? null : c.forwardBackendUrl,
    logger: { debug: (m) => logger.debug(m), info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  };
}

export function observer(c: Config, metrics: ProxyMetrics): ProxyObserver {
  // Made even under -access-log-disabled: an enableAccessLog route still logs, as in Skipper.
  const access = createAccessLog({ json: c.accessLogJsonEnabled, stripQuery: c.accessLogStripQuery, out: logFile(c.accessLog) });
  const enabledByFlag = !c.accessLogDisabled;
  const skipper = metrics.skipper;
  return {
    requestDone(e) {
      metrics.requestDone(e.routeId, e.method, e.status, e.durationMs / 1000);
      skipper?.requestDone(e.routeId, e.host, e.method, e.status, e.durationMs / 1000, e.backendMs / 1000);
      if (accessLogWanted(e.stateBag.get(ACCESS_LOG_STATE_KEY), e.status, enabledByFlag)) access.log(e);
    },
    backendDone(e) {
      if (e.error !== undefined) {
        metrics.backendError(e.backendHost, e.error);
        skipper?.backendError(e.routeId);
      } else {
        metrics.backendDone(e.backendHost, e.durationMs / 1000);
        skipper?.backendDone(e.routeId, e.backendHost, e.status ?? 0, e.durationMs / 1000);
      }
    },
    // No access-log filter ran and the flag disables the log: this request is not logged, whatever its status.
    countsBytes: (bag) => enabledByFlag || bag.has(ACCESS_LOG_STATE_KEY),
  };
}

/** One generation as /routes and the route metrics show it: its valid definitions and the invalid ones. */
export interface Listing {
  readonly generation: number;
  readonly routes: readonly RouteDef[];
  readonly invalid: readonly InvalidRoute[];
  /** Compile time. */
  readonly seconds: number;
}

/** Publishes each listing to /routes and the route metrics. */
export function listingPublisher(view: RoutesView, metrics: ProxyMetrics): (l: Listing) => void {
  return ({ generation, routes, invalid, seconds }) => {
    view.update({ generation, routes, invalid });
    metrics.routeTable({ generation, routes: routes.length, invalidByReason: invalidByReason(invalid) });
    metrics.routeUpdate(seconds);
    metrics.skipper?.routeTable(routes, invalid, seconds);
  };
}

/**
 * Keeps /routes and the route metrics up to date with each compiled table (one process serving). The valid
 * definitions are the compiled list less the invalid ones (worker-listing.ts): the list itself when none is
 * invalid, so a one-route change among a million does not map every route to its definition.
 */
export function routesViewPostprocessor(view: RoutesView, metrics: ProxyMetrics): RoutePostprocessor {
  const publish = listingPublisher(view, metrics);
  return {
    name: 'routes view and metrics',
    built: ({ table, defs, generation, seconds }) => publish({ generation, routes: validDefinitions(defs, table.invalid), invalid: table.invalid, seconds }),
  };
}

export function certificateError(logger: Logger) {
  return (err: Error, cert: NamedCertificate): void => logger.error(`TLS certificate for ${cert.hosts.join(', ')} not usable: ${err.message}`);
}

/** The proxy engine: nothing to start; stopping closes its backend connection pools. */
export function proxyService(proxy: Proxy): Service {
  return service('proxy', () => {}, () => proxy.close());
}

/**
 * The proxy listener on -address. Stopping drains it: new connections are refused and in-flight requests
 * get `boundMs()` to finish before they are cut.
 */
export function proxyListenerService(
  c: Config, logger: Logger, proxy: Proxy, certs: CertificateStore | null, boundMs: () => number,
): Service & { readonly address: AddressInfo | null } {
  let listener: ProxyListener | null = null;
  let address: AddressInfo | null = null;
  const s = service('proxy listener', async () => {
    listener = createProxyServer({
      readTimeoutMs: c.readTimeoutServer, readHeaderTimeoutMs: c.readHeaderTimeoutServer, writeTimeoutMs: c.writeTimeoutServer,
      idleTimeoutMs: c.idleTimeoutServer, maxHeaderBytes: c.maxHeaderBytes,
      tls: certs?.settings(),
      onRequest: (req, res) => proxy.handleRequest(req, res),
      onUpgrade: (req, socket, head) => proxy.handleUpgrade(req, socket, head),
    });
    address = await listenOn(listener.server, c.address);
  }, async () => {
    if (listener === null) return;
    const clean = await listener.drain(boundMs());
    if (!clean) logger.warn('shutdown: requests still running after the bound were cut');
  });
  return Object.defineProperty(s, 'address', { get: () => address }) as Service & { readonly address: AddressInfo | null };
}

/** The support listener (/metrics, /routes, /healthz) on -support-listener; null when the flag is empty. */
export function supportService(
  c: Config, logger: Logger, health: Health, view: RoutesView, metrics: () => Promise<{ text: string; contentType: string }>,
): Service | null {
  if (c.supportListener === '') return null;
  const server = createSupportServer({ health, routes: view, metrics, onError: (err) => logger.error(`metrics: ${err.message}`) });
  return service('support listener', async () => {
    const a = await listenOn(server, c.supportListener, 'support-listener');
    logger.info(`support listener (/metrics, /routes, /healthz) on ${urlOf(a, 'http', c.supportListener)}`);
  }, () => {
    server.close();
  });
}
