/**
 * The resilience pieces of a serving process: breakers as a backend guard (-enable-breakers / -breaker),
 * load-shedding queues and admission windows, and the endpoint registry with its active health probes
 * (-active-health-check). Each worker keeps its own (docs/swarm.md, Breakers).
 */
import { breakersFromFlags } from '../circuit/from-flags.ts';
import type { BreakerRegistry } from '../circuit/registry.ts';
import type { Config } from '../config/table.ts';
import { parseActiveHealthCheck } from '../config/active-health-check.ts';
import type { FilterDeps } from '../filters/builtin.ts';
import { SheddingRegistry } from '../filters/shedding/catalog.ts';
import type { Service } from '../lifecycle/index.ts';
import { ActiveHealthCheck, EndpointRegistry } from '../loadbalancer/index.ts';
import type { Logger } from '../log/app-log.ts';
import { createResilienceMetrics, type ResilienceMetrics } from '../metrics/resilience-metrics.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { BackendGuard } from '../proxy/guard.ts';

export interface Resilience {
  /** Shedding state for the filter registry. */
  filterDeps: Pick<FilterDeps, 'shedding' | 'log'>;
  /** Breakers; empty without -enable-breakers / -breaker (as Skipper). Asked before the rate-limit guard. */
  guards: BackendGuard[];
  endpoints: EndpointRegistry;
  /** The active health probes, null without -active-health-check. */
  probes: Service | null;
  /** The breaker registry (for sharing across the swarm); null without breakers. */
  breakers: BreakerRegistry | null;
}

export function resilience(c: Config, logger: Logger, metrics: ProxyMetrics): Resilience {
  const rm: ResilienceMetrics = createResilienceMetrics(metrics.registry);
  const shedding = new SheddingRegistry({
    queue: (name) => ({
      depth: (n) => rm.queueDepth(name, n),
      waited: (ms) => rm.queueWait(name, ms / 1000),
      rejected: (reason) => rm.queueRejected(name, reason),
    }),
    admissionRejected: (routeId) => rm.admissionRejected(routeId),
  });
  const breakers = breakersFromFlags(c.enableBreakers, c.breaker, {
    transition(b, from, to, cause) {
      rm.breakerTransition(b.host, from, to, cause);
      rm.breakerState(b.host, b.state);
      logger.info(`circuit breaker ${b.key} went from ${from} to ${to} (${cause})`);
    },
    refused: (b) => rm.breakerRefused(b.host),
  });
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
  return {
    filterDeps: { shedding, log: (m) => logger.info(m) },
    guards: breakers === null ? [] : [breakers.guard],
    endpoints,
    probes,
    breakers: breakers?.registry ?? null,
  };
}
