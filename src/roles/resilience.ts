/**
 * The resilience pieces of a serving process: breakers as a backend guard (-enable-breakers / -breaker),
 * load-shedding queues and admission windows, and the endpoint registry with its active health probes
 * (-active-health-check). Each worker keeps its own shedding state and probes; breakers have one owner per
 * instance: this process with -workers 1, the primary with -workers N ({@link primaryBreakers}).
 */
import { breakersFromFlags, type BreakerObserver } from '../circuit/from-flags.ts';
import type { BreakerRegistry } from '../circuit/registry.ts';
import type { Config } from '../config/table.ts';
import { parseActiveHealthCheck } from '../config/active-health-check.ts';
import type { FilterDeps } from '../filters/builtin.ts';
import { SheddingRegistry } from '../filters/shedding/catalog.ts';
import { service, type Service } from '../lifecycle/index.ts';
import { BreakerOwner } from '../circuit/instance-breakers.ts';
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

/** What breakers report: metrics and the application log. */
function breakerObserver(rm: ResilienceMetrics, logger: Logger): BreakerObserver {
  return {
    transition(b, from, to, cause) {
      rm.breakerTransition(b.host, from, to, cause);
      rm.breakerState(b.host, b.state);
      logger.info(`circuit breaker ${b.key} went from ${from} to ${to} (${cause})`);
    },
    refused: (b) => rm.breakerRefused(b.host),
  };
}

/**
 * In the primary of -workers N: the instance's breakers, whose state machines the workers' reports drive
 * (src/circuit/instance-breakers.ts). Null without breakers; `service` answers the workers.
 */
export function primaryBreakers(c: Config, logger: Logger, metrics: ProxyMetrics): { registry: BreakerRegistry; service: Service } | null {
  const breakers = breakersFromFlags(c.enableBreakers, c.breaker, breakerObserver(createResilienceMetrics(metrics.registry), logger));
  if (breakers === null) return null;
  const owner = new BreakerOwner(breakers.registry);
  let stop: (() => void) | null = null;
  return { registry: breakers.registry, service: service('breakers for the workers', () => { stop = owner.serve(); }, () => stop?.()) };
}

/** `o.worker`: a worker of -workers N, whose breakers the primary owns. */
export function resilience(c: Config, logger: Logger, metrics: ProxyMetrics, o: { worker?: boolean } = {}): Resilience {
  const rm: ResilienceMetrics = createResilienceMetrics(metrics.registry);
  const shedding = new SheddingRegistry({
    queue: (name) => ({
      depth: (n) => rm.queueDepth(name, n),
      waited: (ms) => rm.queueWait(name, ms / 1000),
      rejected: (reason) => rm.queueRejected(name, reason),
    }),
    admissionRejected: (routeId) => rm.admissionRejected(routeId),
  });
  const breakers = breakersFromFlags(c.enableBreakers, c.breaker, breakerObserver(rm, logger), o.worker === true ? 'primary' : 'self');
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
