/**
 * The primary of `-workers N`: owns what must exist once per instance — route sources and the route pipeline,
 * /routes, the aggregated /metrics, /healthz — and forks N workers that serve -address. Swarm membership and the
 * gossip node run here, once per instance, as the local rate-limit buckets do (workers ask both over IPC).
 * Services, in start order: support listener, rate-limit buckets, swarm (src/roles/swarm.ts), breakers for the
 * workers and their swarm sharing (src/circuit/instance-breakers.ts), workers (forked while the primary is small),
 * route sources, heap settle, then the route hand-over to the workers. /healthz is healthy once every worker listens.
 */
import cluster from 'node:cluster';
import type { Config } from '../config/table.ts';
import { heapSettleService, service, ServiceRunner, type Service } from '../lifecycle/index.ts';
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
import { drainBound, listingPublisher, proxyProtocol, supportService, tlsEnabled } from './wiring.ts';
import { generationLog } from '../routing/pipeline.ts';
import type { RouteTable } from '../routing/types.ts';
import { validDefinitions } from '../server/worker-listing.ts';

/** The primary's "compile": a table that routes nothing; the definitions go on to the workers as they are. */
function definitionsOnly(_defs: unknown, generation: number): RouteTable {
  return { generation, routes: [], invalid: [], lookup: () => null, release() {} };
}

export async function runPrimary(c: Config, logger: Logger): Promise<void> {
  let runner: ServiceRunner | null = null;
  const health = new Health(() => runner?.ready() ?? false);
  const view = new RoutesView();
  const metrics = createProxyMetrics({ skipper: skipperMetricsOptions(c) });
  const publish = listingPublisher(view, metrics);
  const logGeneration = generationLog(logger);
  const pool = new WorkerPool({
    count: c.workers,
    logger,
    // The workers compile; the first to report a generation tells which of its routes are invalid.
    onBuilt: ({ generation, defs, invalid, seconds }) => {
      const routes = validDefinitions(defs, invalid);
      logGeneration({ generation, routes: routes.length, invalid, seconds });
      publish({ generation, routes, invalid, seconds });
    },
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
    // Definitions only: compiling a table here too (filter instances, matchers, the path tree) only to list
    // it doubled the instance's memory and CPU, and kept a million routes from being served with -workers 2.
    compile: definitionsOnly,
    log: false,
    pre: limits === null ? [] : [limits.preprocessor],
    // The Kubernetes source's own change goes to the workers as the delta: no diff of the lists, no copy.
    post: [{ name: 'workers', built: ({ defs, generation }) => pool.sendRoutes(generation, defs, routes.changeOf(defs)) }],
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
  const services: Service[] = [...(support === null ? [] : [support]), bucketService, ...(swarm?.services ?? []), ...(breakers === null ? [] : [breakers.service]), ...(sharing === null ? [] : [sharing]),
    // Forked before the first route list is loaded: see WorkerPool.start().
    workers, routes, ...(webhook === null ? [] : [webhook]),
    // Before any worker builds: the first sync's garbage collected before route changes are served (src/lifecycle/heap-settle.ts).
    heapSettleService((m) => logger.debug(m)), service('route hand-over', () => pool.open(), () => {})];
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
