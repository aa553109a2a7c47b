/**
 * Metrics of breakers, the active health check and load shedding, registered on the process's registry.
 * None of these is on the per-request path of a route without breakers or shedding filters; counters are
 * bumped on transitions, refusals, probes and rejections, which are rare by design.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './proxy-metrics.ts';

const STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export interface ResilienceMetrics {
  breakerState(host: string, state: keyof typeof STATE_VALUE): void;
  breakerTransition(host: string, from: string, to: string, cause: string): void;
  breakerRefused(host: string): void;
  swarmMessage(direction: 'sent' | 'received', kind: string): void;
  probe(host: string, healthy: boolean): void;
  endpointDropped(host: string): void;
  endpointRestored(host: string): void;
  admissionRejected(routeId: string): void;
  queueDepth(queue: string, depth: number): void;
  queueWait(queue: string, seconds: number): void;
  queueRejected(queue: string, reason: 'full' | 'timeout'): void;
}

export function createResilienceMetrics(registry: Registry): ResilienceMetrics {
  const registers = [registry];
  const p = METRIC_PREFIX;
  const state = new Gauge({ name: `${p}breaker_state`, help: 'Circuit breaker state per backend host: 0 closed, 1 half-open, 2 open', labelNames: ['host'], registers, aggregator: 'max' });
  const transitions = new Counter({ name: `${p}breaker_transitions_total`, help: 'Circuit breaker state changes, by host, from, to and cause (local evidence or swarm quorum)', labelNames: ['host', 'from', 'to', 'cause'], registers });
  const refused = new Counter({ name: `${p}breaker_refused_total`, help: 'Backend attempts refused by an open breaker, by host', labelNames: ['host'], registers });
  const messages = new Counter({ name: `${p}breaker_swarm_messages_total`, help: 'Shared-breaker messages (failure evidence, transitions) sent and received, by kind', labelNames: ['direction', 'kind'], registers });
  const probes = new Counter({ name: `${p}health_probes_total`, help: 'Active health probes of dropped endpoints, by host and result', labelNames: ['host', 'result'], registers });
  const dropped = new Counter({ name: `${p}endpoints_dropped_total`, help: 'Endpoints moved to the actively checked pool', labelNames: ['host'], registers });
  const restored = new Counter({ name: `${p}endpoints_restored_total`, help: 'Endpoints returned to rotation after healthy probes', labelNames: ['host'], registers });
  const admission = new Counter({ name: `${p}admission_control_rejected_total`, help: 'Requests rejected by admissionControl, by route', labelNames: ['route'], registers });
  const depth = new Gauge({ name: `${p}queue_depth`, help: 'Requests waiting in a fifo/lifo queue', labelNames: ['queue'], registers, aggregator: 'sum' });
  const wait = new Histogram({ name: `${p}queue_wait_seconds`, help: 'Time requests waited in a fifo/lifo queue before running', labelNames: ['queue'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers });
  const queueRejected = new Counter({ name: `${p}queue_rejected_total`, help: 'Requests a fifo/lifo queue answered 503 (full) or timed out', labelNames: ['queue', 'reason'], registers });
  return {
    breakerState: (host, s) => state.set({ host }, STATE_VALUE[s]),
    breakerTransition: (host, from, to, cause) => transitions.inc({ host, from, to, cause }),
    breakerRefused: (host) => refused.inc({ host }),
    swarmMessage: (direction, kind) => messages.inc({ direction, kind }),
    probe: (host, healthy) => probes.inc({ host, result: healthy ? 'healthy' : 'unhealthy' }),
    endpointDropped: (host) => dropped.inc({ host }),
    endpointRestored: (host) => restored.inc({ host }),
    admissionRejected: (route) => admission.inc({ route }),
    queueDepth: (queue, n) => depth.set({ queue }, n),
    queueWait: (queue, s) => wait.observe({ queue }, s),
    queueRejected: (queue, reason) => queueRejected.inc({ queue, reason }),
  };
}
