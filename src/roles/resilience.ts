/**
 * Breakers, endpoint health and load shedding of the process that proxies (the single process, or each
 * worker): the breakers as a backend guard, the endpoint registry with its active-health-check service, and
 * the shedding registry the queue and admission-control filters keep their state in.
 */
import type { Config } from '../config/table.ts';
import { parseActiveHealthCheck } from '../config/active-health-check.ts';
import { breakersFromFlags, type Breakers } from '../circuit/from-flags.ts';
import type { FilterDeps } from '../filters/builtin.ts';
import { SheddingRegistry } from '../filters/shedding/catalog.ts';
import { ActiveHealthCheck, EndpointRegistry } from '../loadbalancer/index.ts';
import type { Logger } from '../log/app-log.ts';
import type { ResilienceMetrics } from '../metrics/resilience-metrics.ts';

/** Queues and admission windows of the process that serves, reporting to its metrics. */
export function sheddingDeps(logger: Logger, rm: ResilienceMetrics): Pick<FilterDeps, 'shedding' | 'log'> {
  return {
    shedding: new SheddingRegistry({
      queue: (name) => ({
        depth: (n) => rm.queueDepth(name, n),
        waited: (ms) => rm.queueWait(name, ms / 1000),
        rejected: (reason) => rm.queueRejected(name, reason),
      }),
      admissionRejected: (routeId) => rm.admissionRejected(routeId),
    }),
    log: (m) => logger.info(m),
  };
}

/**
 * The breakers of one process; null without -enable-breakers / -breaker (as Skipper). With -workers N each
 * worker keeps its own registry (docs/swarm.md ## Breakers).
 */
export function breakers(c: Config, logger: Logger, rm: ResilienceMetrics): Breakers | null {
  return breakersFromFlags(c.enableBreakers, c.breaker, {
    transition(b, from, to, cause) {
      rm.breakerTransition(b.host, from, to, cause);
      rm.breakerState(b.host, b.state);
      logger.info(`circuit breaker ${b.key} went from ${from} to ${to} (${cause})`);
    },
    refused: (b) => rm.breakerRefused(b.host),
  });
}

/**
 * The endpoint registry and, with -active-health-check, the service probing its dropped endpoints; both
 * belong to the process that proxies (each worker keeps its own endpoint statistics).
 */
export function endpointHealth(c: Config, logger: Logger, rm: ResilienceMetrics): { endpoints: EndpointRegistry; probes: ActiveHealthCheck | null } {
  const endpoints = new EndpointRegistry();
  const active = parseActiveHealthCheck(c.activeHealthCheck);
  const probes = active === null ? null : new ActiveHealthCheck(endpoints, { ...active, tlsVerify: true }, {
    dropped: (host) => {
      rm.endpointDropped(host);
      logger.warn(`endpoint ${host} left rotation; probing it every ${active.intervalMs} ms`);
    },
    probe: (host, healthy) => rm.probe(host, healthy),
    restored: (host) => {
      rm.endpointRestored(host);
      logger.info(`endpoint ${host} is healthy again and back in rotation`);
    },
  });
  return { endpoints, probes };
}
