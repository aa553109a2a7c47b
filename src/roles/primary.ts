/**
 * The primary of `-workers N`: owns what must exist once per instance — route sources and the route pipeline,
 * /routes, the aggregated /metrics, /healthz — and forks N workers that serve -address. Swarm membership and the
 * gossip node run here, once per instance, as the local rate-limit buckets do (workers ask both over IPC).
 * Services, in start order: support listener, rate-limit buckets, swarm (src/roles/swarm.ts), breakers for the
 * workers and their swarm sharing (src/circuit/instance-breakers.ts), route sources, workers. /healthz is healthy once every worker listens.
 */
import cluster from 'node:cluster';
import type { Config } from '../config/table.ts';
import { service, ServiceRunner, type Service } from '../lifecycle/index.ts';
import type { Logger } from '../log/app-log.ts';
import { createProxyMetrics } from '../metrics/proxy-metrics.ts';
import { workersMetrics } from '../metrics/workers.ts';
import { HttpClients } from '../net/index.ts';
import { urlOf } from '../server/address.ts';
import { Health } from '../server/health.ts';
import { RoutesView } from '../server/routes-view.ts';
import { onShutdownSignals } from '../server/signals.ts';
import { CertificateStore } from '../server/tls.ts';
import { WorkerPool } from '../server/workers.ts';
import { InProcessLimiter } from '../ratelimit/instance-limiter.ts';
import { serveIpcLimiter } from '../ratelimit/ipc-limiter.ts';
import { checkDefaultFilters } from '../config/default-filters.ts';
import { builtinFilters } from '../filters/builtin.ts';
import { rateLimits } from './rate-limits.ts';
import { ClusterStateFeed, primarySwarm, shareBreakers } from './swarm.ts';
import { primaryBreakers } from './resilience.ts';
import { webhookService } from './webhook.ts';
import { skipperMetricsOptions } from '../metrics/skipper-options.ts';
import { writeFatal } from '../log/json-mode.ts';
import { routeSourcesService } from './route-sources.ts';
import { compiler, drainBound, proxyProtocol, routesViewPostprocessor, supportService, tlsEnabled } from './wiring.ts';

export async function runPrimary(c: Config, logger: Logger): Promise<void> {
  let runner: ServiceRunner | null = null;
  const health = new Health(() => runner?.ready() ?? false);
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
  // The primary compiles each table too (for /routes and the route metrics); it never sends a request, so
  // its filters' outgoing clients stay unused and need no service.
  // The instance's local buckets live here; workers count into them over IPC, so a local limit is per instance.
  const buckets = new InProcessLimiter();
  // The Kubernetes route source runs here; a Redis shard list from a Service follows its cluster states.
  const clusterStates = c.kubernetes ? new ClusterStateFeed() : null;
  const swarm = await primarySwarm(c, { logger, registry: metrics.registry, clusterStates });
  const limits = rateLimits(c, logger, metrics, buckets, swarm);
  // The instance's breakers live here too: workers report results and mirror states (src/circuit/instance-breakers.ts).
  const breakers = primaryBreakers(c, logger, metrics);
  const sharing = shareBreakers(c, logger, breakers?.registry ?? null, swarm?.bus ?? null);
  let stopServingBuckets: (() => void) | null = null;
  const bucketService = service('rate-limit buckets', () => {
    if (limits !== null) stopServingBuckets = serveIpcLimiter(buckets);
  }, () => stopServingBuckets?.());
  // Against the filters routes are compiled with (rate limits included), before any source or worker starts.
  checkDefaultFilters(c, builtinFilters(limits?.specs ?? []));
  const routes = await routeSourcesService(c, logger, metrics, {
    compile: compiler(c, () => health.draining, new HttpClients(), limits),
    pre: limits === null ? [] : [limits.preprocessor],
    post: [
      routesViewPostprocessor(view, metrics),
      { name: 'workers', built: ({ defs, generation }) => pool.sendRoutes(generation, defs) },
    ],
    onCertificates: (certs) => pool.broadcast({ type: 'skj:certs', certs }),
    onClusterState: clusterStates?.push,
  });
  // Announced once every worker listens, so whoever waits for the line can rely on all of them.
  const listening = new Set<number>();
  cluster.on('listening', (w, a) => {
    listening.add(w.id);
    if (listening.size !== c.workers) return;
    logger.info(`proxy listening on ${urlOf(a, proxyProtocol(c), c.address)} with ${c.workers} workers`);
  });
  const workers = service('workers', () => pool.start(), () => pool.drain(drainBound(c)), () => listening.size >= c.workers);
  const support = supportService(c, logger, health, view, () => workersMetrics(metrics.registry));
  const webhook = webhookService(c, logger, new HttpClients(), limits);
  const services: Service[] = [...(support === null ? [] : [support]), bucketService, ...(swarm?.services ?? []), ...(breakers === null ? [] : [breakers.service]), ...(sharing === null ? [] : [sharing]), routes, ...(webhook === null ? [] : [webhook]), workers];
  runner = new ServiceRunner(services, { onStopError: (name, err) => logger.error(`shutdown: ${name}: ${(err as Error).message}`) });
  await runner.start();
  const r = runner;
  onShutdownSignals(logger, async (signal) => {
    health.markDraining();
    pool.broadcast({ type: 'skj:shutting-down' });
    logger.info(`${signal}: unhealthy now; closing the listener in ${c.waitForHealthcheckInterval} ms`);
    await new Promise((res) => setTimeout(res, c.waitForHealthcheckInterval));
    await r.stop();
    logger.info('stopped');
  });
}
