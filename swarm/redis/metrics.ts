/**
 * Prometheus metrics of the Redis swarm store, named `skipjack_swarm_…`. Series with fixed label sets are
 * bound once, so a decision costs a few additions and no label hashing.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Decision } from '../../src/ratelimit/ports.ts';

const PREFIX = 'skipjack_swarm_';

/** Store latencies in seconds: sub-millisecond scripts on loopback up to the read+write timeouts. */
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/** Why a store call failed: `timeout` (no reply in time), `connection` (not connected), `script`, `other`. */
export type StoreErrorKind = 'timeout' | 'connection' | 'script' | 'other';

export interface RedisStoreMetrics {
  storeDone(seconds: number): void;
  storeError(kind: StoreErrorKind): void;
  /** 1 while `shard`'s breaker is open (decisions fall back), 0 while decisions go to Redis. */
  fallback(shard: string, on: boolean): void;
  shards(n: number): void;
  decision(d: Decision): void;
}

const SOURCES: readonly Decision['source'][] = ['store', 'gossip', 'fallback', 'fail-closed'];

/** Registers the metrics in `registry`; one instance per registry. */
export function createRedisStoreMetrics(registry: Registry): RedisStoreMetrics {
  const registers = [registry];
  const duration = new Histogram({ name: `${PREFIX}redis_duration_seconds`, help: 'Time from sending a rate limit script to Redis to its reply', buckets: STORE_BUCKETS, registers });
  const errors = new Counter({ name: `${PREFIX}redis_errors_total`, help: 'Failed Redis store calls, by kind (timeout, connection, script, other)', labelNames: ['kind'], registers });
  const fallback = new Gauge({ name: `${PREFIX}redis_fallback`, help: '1 while decisions for a Redis shard fall back (its breaker is open), else 0', labelNames: ['shard'], registers, aggregator: 'max' });
  const shards = new Gauge({ name: `${PREFIX}redis_shards`, help: 'Redis shards in the current shard list', registers, aggregator: 'max' });
  // Decisions are counted in plain numbers and handed to prom-client at scrape time: a bound counter's inc()
  // still builds its label hash string on every call.
  const counts = new Float64Array(SOURCES.length * 2);
  const reported = new Float64Array(SOURCES.length * 2);
  const slot = new Map<Decision['source'], number>(SOURCES.map((s, i) => [s, i * 2]));
  new Counter({
    name: `${PREFIX}ratelimit_decisions_total`,
    help: 'Swarm rate limit decisions, by source (store, gossip, fallback, fail-closed) and outcome',
    labelNames: ['source', 'outcome'],
    registers,
    collect() {
      for (let i = 0; i < counts.length; i++) {
        // inc(labels, 0) exports a zero series, as binding the labels at start did.
        this.inc({ source: SOURCES[i >> 1]!, outcome: i % 2 === 0 ? 'allowed' : 'refused' }, counts[i]! - reported[i]!);
        reported[i] = counts[i]!;
      }
    },
  });
  const errBound = new Map<string, Counter.Internal>();
  for (const k of ['timeout', 'connection', 'script', 'other']) errBound.set(k, errors.labels(k));
  return {
    storeDone: (s) => duration.observe(s),
    storeError: (k) => errBound.get(k)!.inc(),
    fallback: (shard, on) => fallback.labels(shard).set(on ? 1 : 0),
    shards: (n) => shards.set(n),
    decision: (d) => void counts[slot.get(d.source)! + (d.allowed ? 0 : 1)]!++,
  };
}

/** Metrics that go nowhere, for callers without a registry. */
export const noRedisStoreMetrics: RedisStoreMetrics = {
  storeDone() {},
  storeError() {},
  fallback() {},
  shards() {},
  decision() {},
};
