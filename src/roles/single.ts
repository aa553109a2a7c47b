/**
 * One process (`-workers 1`): route sources, the route pipeline, the proxy and both listeners in this process.
 * Services, in start order: support listener, outgoing HTTP clients, route sources, swarm (src/roles/swarm.ts),
 * shared breakers, active health probes, proxy, heap settle, proxy listener.
 * Shutdown (SIGTERM/SIGINT) marks /healthz unhealthy, waits -wait-for-healthcheck-interval, then stops them
 * in reverse: the proxy listener drains first, the support listener goes last.
 */
import type { Config } from '../config/table.ts';
import { heapSettleService, ServiceRunner, type Service } from '../lifecycle/index.ts';
import type { Logger } from '../log/app-log.ts';
import { createProxyMetrics } from '../metrics/proxy-metrics.ts';
import { HttpClients } from '../net/index.ts';
import { createProxy } from '../proxy/proxy.ts';
import { urlOf } from '../server/address.ts';
import { Health } from '../server/health.ts';
import { RoutesView } from '../server/routes-view.ts';
import { onShutdownSignals } from '../server/signals.ts';
import { CertificateStore } from '../server/tls.ts';
import { InProcessLimiter } from '../ratelimit/instance-limiter.ts';
import { checkDefaultFilters } from '../config/default-filters.ts';
import { builtinFilters } from '../filters/builtin.ts';
import { rateLimits } from './rate-limits.ts';
import { webhookService } from './webhook.ts';
import { skipperMetricsOptions } from '../metrics/skipper-options.ts';
import { resilience } from './resilience.ts';
import { ClusterStateFeed, shareBreakers, singleProcessSwarm } from './swarm.ts';
import { routeSourcesService } from './route-sources.ts';
import {
  certificateError, compiler, drainBound, observer, proxyListenerService, proxyOptions, proxyProtocol, proxyService,
  routesViewPostprocessor, supportService, tlsEnabled,
} from './wiring.ts';

export async function runSingle(c: Config, logger: Logger): Promise<void> {
  let runner: ServiceRunner | null = null;
  const health = new Health(() => runner?.ready() ?? false);
  const view = new RoutesView();
  const metrics = createProxyMetrics({ skipper: skipperMetricsOptions(c) });
  const certs = tlsEnabled(c) ? new CertificateStore(c.tlsCert, c.tlsKey) : null;
  const clients = new HttpClients();
  const clusterStates = c.kubernetes ? new ClusterStateFeed() : null;
  const swarm = await singleProcessSwarm(c, { logger, registry: metrics.registry, clusterStates });
  const limits = rateLimits(c, logger, metrics, new InProcessLimiter(), swarm);
  const res = resilience(c, logger, metrics);
  const sharing = shareBreakers(c, logger, res.breakers, swarm?.bus ?? null);
  // Against the filters routes are compiled with (rate limits included), before any source or worker starts.
  checkDefaultFilters(c, builtinFilters(limits?.specs ?? []));
  const routes = await routeSourcesService(c, logger, metrics, {
    compile: compiler(c, () => health.draining, clients, limits, res),
    pre: limits === null ? [] : [limits.preprocessor],
    post: [routesViewPostprocessor(view, metrics)],
    onCertificates: (list) => certs?.setDynamic(list, certificateError(logger)),
    onClusterState: clusterStates?.push,
  });
  const proxy = createProxy(routes.holder, proxyOptions(c, logger, limits, res), observer(c, metrics));
  const listener = proxyListenerService(c, logger, proxy, certs, () => drainBound(c));
  const support = supportService(c, logger, health, view, async () => ({ text: await metrics.registry.metrics(), contentType: metrics.registry.contentType }));
  const webhook = webhookService(c, logger, clients, limits, res);
  const services: Service[] = [...(support === null ? [] : [support]), clients, routes, ...(swarm?.services ?? []), ...(sharing === null ? [] : [sharing]), ...(webhook === null ? [] : [webhook]), ...(res.probes === null ? [] : [res.probes]), proxyService(proxy),
    // Last before the listener: start-up's garbage collected while nothing is served (src/lifecycle/heap-settle.ts).
    heapSettleService((m) => logger.debug(m)), listener];
  runner = new ServiceRunner(services, { onStopError: (name, err) => logger.error(`shutdown: ${name}: ${(err as Error).message}`) });
  await runner.start();
  logger.info(`proxy listening on ${urlOf(listener.address!, proxyProtocol(c), c.address)}`);
  const r = runner;
  onShutdownSignals(logger, async (signal) => {
    health.markDraining();
    logger.info(`${signal}: unhealthy now; closing the listener in ${c.waitForHealthcheckInterval} ms`);
    await new Promise((res) => setTimeout(res, c.waitForHealthcheckInterval));
    await r.stop();
    logger.info('stopped');
  });
}
