/**
 * The composition root: the only place that wires config, route sources, the route table, the proxy,
 * listeners, metrics and logs together. Three shapes: one process (`-workers 1`), or a primary (sources,
 * /routes, aggregated /metrics) with N workers (proxy listener) under node:cluster.
 */
import cluster from 'node:cluster';
import { type Config } from './config/table.ts';
import { loadConfig } from './config/load.ts';
import { ConfigError, EXIT_USAGE, HelpRequested } from './config/errors.ts';
import { renderUsage } from './config/flags-doc.ts';
import { parsePassiveHealthCheck } from './config/passive-health-check.ts';
import { parseForwardedHeaders } from './config/forwarded-headers.ts';
import { parseFilters } from './eskip/index.ts';
import type { RouteDef } from './eskip/ast.ts';
import { createAppLogger, type Logger } from './log/app-log.ts';
import { createAccessLog } from './log/access-log.ts';
import { fileSink, type LogSink } from './log/line-writer.ts';
import { captureProcessOutput, jsonRequestedIn, writeFatal } from './log/json-mode.ts';
import { createProxyMetrics, type ProxyMetrics } from './metrics/proxy-metrics.ts';
import { skipperMetricsOptions } from './metrics/skipper-options.ts';
import { clusterMetrics, serveWorkerMetrics } from './metrics/cluster.ts';
import { RouteUpdater } from './dataclients/updater.ts';
import { routeSourcesFromConfig } from './dataclients/from-config.ts';
import { preprocessorFromConfig } from './dataclients/route-changers.ts';
import { incrementalCompiler, type CompileOptions } from './routing/compile.ts';
import { ValidationWebhook } from './webhook/server.ts';
import { routeChecker } from './webhook/route-checker.ts';
import type { RouteTable } from './routing/types.ts';
import { RouteTableHolder } from './routing/holder.ts';
import { builtinPredicates } from './predicates/builtin.ts';
import { builtinFilters } from './filters/builtin.ts';
import { ACCESS_LOG_STATE_KEY, accessLogWanted } from './filters/access-log.ts';
import { createLoadBalancer } from './loadbalancer/index.ts';
import { createProxy } from './proxy/proxy.ts';
import type { ProxyObserver, ProxyOptions } from './proxy/types.ts';
import { listenOn, urlOf } from './server/address.ts';
import { onShutdownSignals } from './server/signals.ts';
import { Health } from './server/health.ts';
import { createProxyServer, type ProxyListener } from './server/http-server.ts';
import { RouteState } from './server/route-state.ts';
import { RoutesView } from './server/routes-view.ts';
import { createSupportServer } from './server/support.ts';
import { CertificateStore, type NamedCertificate } from './server/tls.ts';
import { listenToPrimary, WorkerPool } from './server/workers.ts';
import { readVersion } from './config/version.ts';
import type { FilterSpec } from './filters/types.ts';
import { backendRateLimitGuard, rateLimitFilters, rateLimitPreprocessor } from './filters/ratelimit/index.ts';
import type { BackendGuard } from './proxy/guard.ts';
import { LimiterRegistry } from './ratelimit/registry.ts';
import { InProcessLimiter, type InstanceLimiter } from './ratelimit/instance-limiter.ts';
import { IpcLimiter, serveIpcLimiter } from './ratelimit/ipc-limiter.ts';
import { parseRatelimitsFlag } from './ratelimit/settings.ts';
import { createRateLimitMetrics } from './metrics/ratelimit-metrics.ts';

/** The longest an in-flight request may hold up shutdown: nothing outlives the write timeout anyway. */
function drainBound(c: Config): number {
  return c.writeTimeoutServer > 0 ? c.writeTimeoutServer : 60_000;
}

/** -access-log / -application-log: a file appended to, or undefined for the standard stream. */
function logFile(path: string): LogSink | undefined {
  return path === '' ? undefined : fileSink(path);
}

function tlsEnabled(c: Config): boolean {
  return c.tlsCert.length > 0 || (c.kubernetes && c.kubernetesEnableTls);
}

type OnCertificates = (certs: NamedCertificate[]) => void;

/** The rate-limit filters of one process, or none without -enable-ratelimits / -ratelimits (as Skipper). */
interface RateLimits {
  specs: FilterSpec[];
  /** Places the -ratelimits default and ratelimitFailClosed on the route definitions. */
  preprocess(defs: readonly RouteDef[]): RouteDef[];
  /** Enforces backendRatelimit before every backend attempt. */
  guard: BackendGuard;
}

/**
 * `instance`: where this process finds the instance's local buckets — its own memory (single process, and
 * the primary, which owns them for its workers) or the primary over IPC (a worker).
 */
function rateLimits(c: Config, logger: Logger, metrics: ProxyMetrics, instance: InstanceLimiter): RateLimits | null {
  if (!c.enableRatelimits && c.ratelimits.length === 0) return null;
  const registry = new LimiterRegistry({
    instance,
    // No swarm yet: cluster limits admit everything, as Skipper's without a swarm (docs/reference/filters.md).
    swarm: null,
    metrics: createRateLimitMetrics(metrics.registry),
    maxGroupShards: c.clusterRatelimitMaxGroupShards,
    warn: (m) => logger.warn(m),
  });
  const first = c.ratelimits[0];
  const defaultLimit = first !== undefined && parseRatelimitsFlag(first).kind !== 'disabled' ? first : null;
  return { specs: rateLimitFilters(registry, (m) => logger.warn(m)), preprocess: rateLimitPreprocessor(defaultLimit), guard: backendRateLimitGuard() };
}

/**
 * Route compilation, the same in the primary and every worker. Incremental: each table is compiled against
 * the previous one, so an update of one route among thousands does not rebuild the others. `shuttingDown`
 * is the instance's shutdown state, read by Shutdown() per request (the Kubernetes health-check route).
 */
function compileOptions(c: Config, shuttingDown: () => boolean, extraFilters: FilterSpec[] = []): CompileOptions {
  return {
    predicates: builtinPredicates({ shuttingDown }),
    filters: builtinFilters(extraFilters),
    lbFactory: createLoadBalancer,
    ignoreTrailingSlash: c.ignoreTrailingSlash,
  };
}

function compiler(c: Config, shuttingDown: () => boolean, extraFilters: FilterSpec[] = []): (defs: RouteDef[], generation: number) => RouteTable {
  return incrementalCompiler(compileOptions(c, shuttingDown, extraFilters));
}

/** -validation-webhook-enabled: the admission webhook, compiling with the proxy's own filters and predicates. */
async function startWebhook(c: Config, logger: Logger, limits: RateLimits | null): Promise<ValidationWebhook | null> {
  if (!c.validationWebhookEnabled) return null;
  const opts = compileOptions(c, () => false, limits?.specs);
  const webhook = new ValidationWebhook({
    address: c.validationWebhookAddress, certFile: c.validationWebhookCertFile, keyFile: c.validationWebhookKeyFile,
    check: c.enableAdvancedValidation ? routeChecker(opts) : null,
    log: logger,
  });
  await webhook.start();
  return webhook;
}

function proxyOptions(c: Config, logger: Logger, limits: RateLimits | null): ProxyOptions {
  return {
    guard: limits === null ? null : [limits.guard],
    maxLoopbacks: c.maxLoopbacks,
    backendTimeoutMs: c.timeoutBackend,
    responseHeaderTimeoutMs: c.responseHeaderTimeoutBackend,
    keepAlive: c.keepaliveBackend,
    maxIdleConnsPerHost: c.idleConnsNum, maxIdleConns: c.maxIdleConnectionBackend,
    closeIdleConnsPeriodMs: c.closeIdleConnsPeriod,
    preserveHost: c.proxyPreserveHost,
    removeHopHeaders: true,
    passiveHealthCheck: parsePassiveHealthCheck(c.passiveHealthCheck),
    experimentalUpgrade: c.experimentalUpgrade,
    protocol: tlsEnabled(c) ? 'https' : 'http',
    forwardedHeaders: parseForwardedHeaders(c.forwardedHeaders),
    forwardedHeadersExcludeCidrs: c.forwardedHeadersExcludeCidrs,
    forwardBackendUrl: c.forwardBackendUrl === '' ? null : c.forwardBackendUrl,
    logger: { debug: (m) => logger.debug(m), info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  };
}

function observer(c: Config, metrics: ProxyMetrics): ProxyObserver {
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

/** Route sources, the updater and the route table holder, wired to metrics and logs. */
async function startRoutes(c: Config, logger: Logger, metrics: ProxyMetrics, view: RoutesView | undefined, health: Health, limits: RateLimits | null, onCertificates: OnCertificates, onBuilt?: (defs: RouteDef[], g: number) => void) {
  const compile = compiler(c, () => !health.healthy, limits?.specs);
  const holder = new RouteTableHolder(compile([], 0));
  const state = new RouteState({ compile, swap: (t) => holder.swap(t), view, metrics, logger });
  // Default filters are applied by the updater; -clone-route and -edit-route follow them, as in Skipper.
  const preprocess = preprocessorFromConfig(c, { defaultFilters: false, onError: (m) => logger.error(m) });
  const updater = new RouteUpdater({
    sources: await routeSourcesFromConfig(c, {
      onCertificates,
      onConverted: (info) => metrics.kubernetesInvalidObjects(info.invalidObjects),
      // In JSON mode the Kubernetes lines go through the application logger; in text mode they keep logrus' shape.
      log: c.applicationLogJsonEnabled ? (e) => logger.log(e.level, e.msg, { kind: e.kind, name: e.name, ns: e.ns }) : undefined,
    }),
    defaultFilters: { prepend: parseFilters(c.defaultFiltersPrepend), append: parseFilters(c.defaultFiltersAppend) },
    build: (merged, g) => {
      const defs = limits === null ? preprocess(merged) : limits.preprocess(preprocess(merged));
      state.apply(defs, g);
      onBuilt?.(defs, g);
    },
    onSourceError: (s, err) => {
      logger.error(`route source ${s.name}: ${err.message}; keeping its last good routes`);
      metrics.sourceError(s.name);
    },
    onSourceRouteErrors: (s, errors) => {
      for (const e of errors) logger.warn(`route source ${s.name}: ${e.id !== undefined ? `route ${e.id}: ` : ''}${e.message}`);
    },
  });
  await updater.start();
  return { holder, state, updater, compile };
}

function supportServer(c: Config, logger: Logger, health: Health, view: RoutesView, metrics: () => Promise<{ text: string; contentType: string }>) {
  if (c.supportListener === '') return null;
  return createSupportServer({ health, routes: view, metrics, onError: (err) => logger.error(`metrics: ${err.message}`) });
}

function certificateError(logger: Logger) {
  return (err: Error, cert: NamedCertificate): void => logger.error(`TLS certificate for ${cert.hosts.join(', ')} not usable: ${err.message}`);
}

function proxyListener(c: Config, proxy: ReturnType<typeof createProxy>, certs: CertificateStore | null): ProxyListener {
  return createProxyServer({
    readTimeoutMs: c.readTimeoutServer, readHeaderTimeoutMs: c.readHeaderTimeoutServer, writeTimeoutMs: c.writeTimeoutServer,
    idleTimeoutMs: c.idleTimeoutServer, maxHeaderBytes: c.maxHeaderBytes,
    tls: certs?.settings(),
    onRequest: (req, res) => proxy.handleRequest(req, res),
    onUpgrade: (req, socket, head) => proxy.handleUpgrade(req, socket, head),
  });
}

async function runSingle(c: Config, logger: Logger): Promise<void> {
  const health = new Health();
  const view = new RoutesView();
  const metrics = createProxyMetrics({ skipper: skipperMetricsOptions(c) });
  const certs = tlsEnabled(c) ? new CertificateStore(c.tlsCert, c.tlsKey) : null;
  const limits = rateLimits(c, logger, metrics, new InProcessLimiter());
  const { holder, updater } = await startRoutes(c, logger, metrics, view, health, limits, (list) => certs?.setDynamic(list, certificateError(logger)));
  const proxy = createProxy(holder, proxyOptions(c, logger, limits), observer(c, metrics));
  const listener = proxyListener(c, proxy, certs);
  const support = supportServer(c, logger, health, view, async () => ({ text: await metrics.registry.metrics(), contentType: metrics.registry.contentType }));
  const a = await listenOn(listener.server, c.address);
  logger.info(`proxy listening on ${urlOf(a, tlsEnabled(c) ? 'https' : 'http', c.address)}`);
  if (support !== null) logger.info(`support listener (/metrics, /routes, /healthz) on ${urlOf(await listenOn(support, c.supportListener), 'http', c.supportListener)}`);
  const webhook = await startWebhook(c, logger, limits);
  onShutdownSignals(logger, async (signal) => {
    health.markDraining();
    logger.info(`${signal}: unhealthy now; closing the listener in ${c.waitForHealthcheckInterval} ms`);
    await new Promise((r) => setTimeout(r, c.waitForHealthcheckInterval));
    await webhook?.stop();
    const clean = await listener.drain(drainBound(c));
    if (!clean) logger.warn('shutdown: requests still running after the bound were cut');
    await updater.stop();
    await proxy.close();
    support?.close();
    logger.info('stopped');
  });
}

async function runPrimary(c: Config, logger: Logger): Promise<void> {
  const health = new Health();
  const view = new RoutesView();
  const metrics = createProxyMetrics({ skipper: skipperMetricsOptions(c) });
  const pool = new WorkerPool({
    count: c.workers,
    logger,
    onFatal: (message) => {
      writeFatal(c.applicationLogJsonEnabled, 'skipjack', message);
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(1);
    },
  });
  // Fail fast on unusable -tls-cert/-tls-key before forking workers that would all fail the same way.
  if (tlsEnabled(c)) new CertificateStore(c.tlsCert, c.tlsKey);
  // The instance's local buckets live here; workers count into them over IPC, so a local limit is per instance.
  const buckets = new InProcessLimiter();
  const limits = rateLimits(c, logger, metrics, buckets);
  const stopServingLimits = limits === null ? null : serveIpcLimiter(buckets);
  const { updater } = await startRoutes(c, logger, metrics, view, health, limits, (certs) => pool.broadcast({ type: 'skj:certs', certs }),
    (defs, generation) => pool.broadcast({ type: 'skj:routes', generation, defs }));
  // Announced once every worker listens, so whoever waits for the line can rely on all of them.
  const listening = new Set<number>();
  cluster.on('listening', (w, a) => {
    listening.add(w.id);
    if (listening.size !== c.workers) return;
    logger.info(`proxy listening on ${urlOf(a, tlsEnabled(c) ? 'https' : 'http', c.address)} with ${c.workers} workers`);
  });
  pool.start();
  const support = supportServer(c, logger, health, view, () => clusterMetrics(metrics.registry));
  if (support !== null) logger.info(`support listener (/metrics, /routes, /healthz) on ${urlOf(await listenOn(support, c.supportListener), 'http', c.supportListener)}`);
  const webhook = await startWebhook(c, logger, limits);
  onShutdownSignals(logger, async (signal) => {
    health.markDraining();
    pool.broadcast({ type: 'skj:shutting-down' });
    logger.info(`${signal}: unhealthy now; closing the listener in ${c.waitForHealthcheckInterval} ms`);
    await new Promise((r) => setTimeout(r, c.waitForHealthcheckInterval));
    await webhook?.stop();
    await pool.drain(drainBound(c));
    stopServingLimits?.();
    await updater.stop();
    support?.close();
    logger.info('stopped');
  });
}

async function runWorker(c: Config, logger: Logger): Promise<void> {
  const metrics = createProxyMetrics({ skipper: skipperMetricsOptions(c) });
  serveWorkerMetrics(metrics.registry);
  // Set when the primary announces shutdown; Shutdown() reads it per request.
  let shuttingDown = false;
  // The primary logs route problems and times updates; workers only swap.
  const quiet = createAppLogger({ level: 'ERROR', json: c.applicationLogJsonEnabled, prefix: c.applicationLogPrefix, out: logFile(c.applicationLog) });
  // The primary builds the same filters and gives their warnings once.
  const limits = rateLimits(c, quiet, metrics, new IpcLimiter());
  const compile = compiler(c, () => shuttingDown, limits?.specs);
  const holder = new RouteTableHolder(compile([], 0));
  const state = new RouteState({ compile, swap: (t) => holder.swap(t), logger: quiet });
  const certs = tlsEnabled(c) ? new CertificateStore(c.tlsCert, c.tlsKey) : null;
  let listener: ProxyListener | null = null;
  let proxy: ReturnType<typeof createProxy> | null = null;
  let draining = false;
  listenToPrimary({
    onRoutes: (msg) => {
      const table = state.apply(msg.defs, msg.generation);
      metrics.skipper?.routesChanged(table.routes);
      if (listener !== null || draining) return;
      proxy = createProxy(holder, proxyOptions(c, logger, limits), observer(c, metrics));
      listener = proxyListener(c, proxy, certs);
      listenOn(listener.server, c.address).catch((err: Error) => {
        logger.error(`worker cannot listen on ${c.address}: ${err.message}`);
        process.exit(1);
      });
    },
    onCertificates: (list) => certs?.setDynamic(list, certificateError(logger)),
    onShuttingDown: () => {
      shuttingDown = true;
    },
    onDrain: (boundMs) => {
      if (draining) return;
      draining = true;
      shuttingDown = true;
      const stop = async (): Promise<void> => {
        if (listener !== null) await listener.drain(boundMs);
        await proxy?.close();
      };
      stop().finally(() => process.exit(0));
    },
  });
}

/** Runs skipjack with the given arguments (without node and script). Never returns on fatal errors. */
export async function main(argv: readonly string[]): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(argv);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(renderUsage());
      process.exit(0);
    }
    if (!(err instanceof ConfigError)) throw err;
    writeFatal(jsonRequestedIn(argv), 'skipjack', err.message);
    process.exit(EXIT_USAGE);
  }
  if (config.version) {
    process.stdout.write(`skipjack ${readVersion()}\n`);
    return;
  }
  let logger: Logger;
  try {
    logger = createAppLogger({ level: config.applicationLogLevel, json: config.applicationLogJsonEnabled, prefix: config.applicationLogPrefix, out: logFile(config.applicationLog) });
  } catch (err) {
    writeFatal(config.applicationLogJsonEnabled, 'skipjack', `-application-log: ${(err as Error).message}`);
    process.exit(EXIT_USAGE);
  }
  captureProcessOutput(config.applicationLogJsonEnabled, logger);
  try {
    if (cluster.isWorker) await runWorker(config, logger);
    else if (config.workers > 1) await runPrimary(config, logger);
    else await runSingle(config, logger);
  } catch (err) {
    // Start-up failures (a broken routes file, a port in use) name their culprit in the message.
    writeFatal(config.applicationLogJsonEnabled, 'skipjack', (err as Error).message);
    process.exit(err instanceof ConfigError ? EXIT_USAGE : 1);
  }
}
