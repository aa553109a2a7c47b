/**
 * Prometheus metrics of the gossip layer, named `skipjack_swarm_…`: listed and live members, and gossip
 * messages and bytes in and out by topic.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export interface GossipMetrics {
  readonly registry: Registry;
  members(listed: number, live: number): void;
  message(direction: 'in' | 'out', topic: string, bytes: number): void;
}

/** Registers the gossip metrics on `registry` (a fresh one by default). */
export function createGossipMetrics(registry: Registry = new Registry()): GossipMetrics {
  const members = new Gauge({
    name: 'skipjack_swarm_members',
    help: 'Swarm members this instance knows, by state: listed by membership (or announced), live (heard from within the TTL); self included',
    labelNames: ['state'],
    registers: [registry],
  });
  const messages = new Counter({
    name: 'skipjack_swarm_gossip_messages_total',
    help: 'Gossip messages sent and received, by direction and topic',
    labelNames: ['direction', 'topic'],
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'skipjack_swarm_gossip_bytes_total',
    help: 'Gossip payload bytes sent and received, by direction',
    labelNames: ['direction'],
    registers: [registry],
  });
  return {
    registry,
    members(listed, live) {
      members.set({ state: 'listed' }, listed);
      members.set({ state: 'live' }, live);
    },
    message(direction, topic, n) {
      messages.inc({ direction, topic });
      bytes.inc({ direction }, n);
    },
  };
}
