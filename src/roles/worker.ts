/**
 * A worker of `-workers N`: serves -address with the route lists the primary sends. Owns what each worker
 * needs for itself: the compiled route table, the proxy with its backend pools, the outgoing HTTP clients,
 * its Redis clients (src/roles/swarm.ts). Services, in start order: outgoing HTTP clients, routes from the primary
 * (started once the first list is compiled), proxy, heap settle, proxy listener. The primary coordinates shutdown: on
 * its drain message the services stop in reverse and the worker exits.
 */
import type { Config } from '../config/table.ts';
import { heapSettleService, service, ServiceRunner, type Service } from '../lifecycle/index.ts';
import { createAppLogger, type Logger } from '../log/app-log.ts';
import { createProxyMetrics } from '../metrics/proxy-metrics.ts';
import { serveWorkerMetrics } from '../metrics/workers.ts';
import { HttpClients } from '../net/index.ts';
import { createProxy } from '../proxy/proxy.ts';
import { IpcLimiter } from '../ratelimit/ipc-limiter.ts';
import { RouteTableHolder } from '../routing/holder.ts';
import { RoutePipeline, routeLog } from '../routing/pipeline.ts';
import { CertificateStore } from '../server/tls.ts';
import { listenToPrimary, reportBuilt, speaksForInstance } from '../server/workers.ts';
import { rateLimits } from './rate-limits.ts';
import { skipperMetricsOptions } from '../metrics/skipper-options.ts';
import { resilience } from './resilience.ts';
import { workerSwarm } from './swarm.ts';
import { certificateError, compiler, logFile, observer, proxyListenerService, proxyOptions, proxyService, tlsEnabled } from './wiring.ts';

export async function runWorker(c: Config, logger: Logger): Promise<void> {
  const metrics = createProxyMetrics({ skipper: skipperMetricsOptions(c) });
  serveWorkerMetrics(metrics.registry);
  // Set when the primary announces shutdown; Shutdown() reads it per request.
  let shuttingDown = false;
  const clients = new HttpClients();
  // The primary pre-processed the list, logs route problems and times updates; workers compile and swap.
  const quiet = createAppLogger({ level: 'ERROR', json: c.applicationLogJsonEnabled, prefix: c.applicationLogPrefix, out: logFile(c.applicationLog) });
  // Every worker builds the same filters; the worker of slot 0 gives their warnings, once per instance (the
  // primary builds no table). Local buckets are the primary's.
  const swarm = workerSwarm(c, { logger, registry: metrics.registry, clusterStates: null });
  const limits = rateLimits(c, speaksForInstance() ? logger : quiet, metrics, new IpcLimiter(), swarm);
  const res = resilience(c, logger, metrics, { worker: true });
  const compile = compiler(c, () => shuttingDown, clients, limits, res);
  const holder = new RouteTableHolder(compile([], 0));
  const pipeline = new RoutePipeline({
    compile,
    swap: (t) => holder.swap(t),
    post: [routeLog(quiet), { name: 'report to the primary', built: ({ table, generation, seconds }) => reportBuilt(generation, table.invalid, seconds) }],
  });
  const certs = tlsEnabled(c) ? new CertificateStore(c.tlsCert, c.tlsKey) : null;
  let firstRoutes!: () => void;
  const routesArrived = new Promise<void>((resolve) => (firstRoutes = resolve));
  let drainMs = 0;
  let runner: ServiceRunner | null = null;
  listenToPrimary({
    // The receiver keeps the objects of unchanged definitions, which the incremental compile reuses by identity.
    onRoutes: (defs, generation) => {
      // The build runs in slices; the table in use keeps serving meanwhile.
      void pipeline.apply(defs, generation).then((table) => {
        metrics.skipper?.routesChanged(table.routes.map((r) => r.def));
        firstRoutes();
      });
    },
    onCertificates: (list) => certs?.setDynamic(list, certificateError(logger)),
    onShuttingDown: () => {
      shuttingDown = true;
    },
    onDrain: (boundMs) => {
      if (drainMs !== 0 || runner === null) return;
      drainMs = Math.max(boundMs, 1);
      shuttingDown = true;
      runner.stop().finally(() => process.exit(0));
    },
  });
  const proxy = createProxy(holder, proxyOptions(c, logger, limits, res), observer(c, metrics));
  const services: Service[] = [
    clients,
    ...(swarm?.services ?? []),
    service('routes from the primary', () => routesArrived, () => {}),
    ...(res.probes === null ? [] : [res.probes]),
    proxyService(proxy),
    // Last before the listener: start-up's garbage collected while nothing is served (src/lifecycle/heap-settle.ts).
    heapSettleService((m) => logger.debug(m)),
    proxyListenerService(c, logger, proxy, certs, () => drainMs),
  ];
  runner = new ServiceRunner(services, { onStopError: (name, err) => logger.error(`shutdown: ${name}: ${(err as Error).message}`) });
  await runner.start();
}
