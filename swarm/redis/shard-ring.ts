/**
 * The set of Redis shards and the consistent hash over them: a Service whose shard list comes from a
 * ShardSource and is rebalanced whenever the list changes. Keys whose shard changed start from an empty count
 * on the new shard (an under-count for at most one window, never an over-refusal).
 */
import type { Logger } from '../../src/log/app-log.ts';
import type { Service } from '../../src/lifecycle/index.ts';
import { consistentHash, type ConsistentHash } from './consistent-hash.ts';
import { noRedisStoreMetrics, type RedisStoreMetrics } from './metrics.ts';
import { parseShardAddress, type RedisStoreOptions } from './redis-options.ts';
import { RedisShard, type ShardReturnHook } from './redis-shard.ts';
import { remoteShardSource, staticShardSource, type ShardSource } from './shard-sources.ts';

export interface ShardRingDeps {
  log: Logger;
  metrics?: RedisStoreMetrics;
  /** Overrides the source the options name (the composition root passes kubernetesShardSource here). */
  source?: ShardSource;
}

export class RedisShardRing implements Service {
  readonly name = 'swarm-redis';
  private readonly o: RedisStoreOptions;
  private readonly log: Logger;
  private readonly metrics: RedisStoreMetrics;
  private readonly source: ShardSource;
  private byName = new Map<string, RedisShard>();
  private hash: ConsistentHash = consistentHash('rendezvous', []);
  private started = false;
  private stopped = false;
  private pending: Promise<void> = Promise.resolve();
  private returnHook: ShardReturnHook | undefined;
  private readonly onReturn: ShardReturnHook = (shard, lostData) => this.returnHook?.(shard, lostData) ?? Promise.resolve();

  constructor(o: RedisStoreOptions, deps: ShardRingDeps) {
    this.o = o;
    this.log = deps.log;
    this.metrics = deps.metrics ?? noRedisStoreMetrics;
    this.source = deps.source ?? (o.remoteUrl !== '' ? remoteShardSource(o.remoteUrl, o.updateIntervalMs, deps.log) : staticShardSource(o.urls));
  }

  /** Runs before a shard that was away takes decisions again (the limiter re-seeds its admissions there). */
  setReturnHook(hook: ShardReturnHook): void {
    this.returnHook = hook;
  }

  /** The shard that owns `key`; undefined while the list is empty. */
  shardFor(key: string): RedisShard | undefined {
    const name = this.hash.get(key);
    return name === undefined ? undefined : this.byName.get(name);
  }

  shards(): readonly RedisShard[] {
    return [...this.byName.values()];
  }

  /** Replaces the shard list: new shards connect, the hash switches in one step, removed shards close. */
  setShards(addresses: readonly string[]): Promise<void> {
    const run = async () => {
      if (this.stopped) return;
      const next = new Map<string, RedisShard>();
      const fresh: RedisShard[] = [];
      for (const text of addresses) {
        let addr;
        try {
          addr = parseShardAddress(text);
        } catch (err) {
          this.log.error('swarm Redis shard ignored', { address: text, error: (err as Error).message });
          continue;
        }
        if (next.has(addr.name)) continue;
        let shard = this.byName.get(addr.name);
        if (shard === undefined) {
          shard = new RedisShard(addr, this.o, this.log, this.metrics, this.onReturn);
          fresh.push(shard);
        }
        next.set(addr.name, shard);
      }
      await Promise.all(fresh.map((s) => s.connect()));
      const removed = [...this.byName.values()].filter((s) => !next.has(s.name));
      this.byName = next;
      this.hash = consistentHash(this.o.hashAlgorithm, [...next.keys()]);
      this.metrics.shards(next.size);
      if (fresh.length > 0 || removed.length > 0) this.log.info('swarm Redis shards updated', { shards: [...next.keys()].join(','), algorithm: this.o.hashAlgorithm });
      await Promise.all(removed.map((s) => s.close()));
    };
    // Lists apply in arrival order; a slow connect never lets an older list win.
    this.pending = this.pending.then(run, run);
    return this.pending;
  }

  async start(): Promise<void> {
    await this.source.start((list) => void this.setShards(list));
    await this.pending;
    this.started = true;
  }

  /** Ready once started: while shards are unreachable, decisions fall back, which is still service. */
  ready(): boolean {
    return this.started && !this.stopped;
  }

  /** True when every shard in the list is connected (and there is at least one). */
  connected(): boolean {
    return this.byName.size > 0 && [...this.byName.values()].every((s) => s.connected());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.source.stop();
    await this.pending.catch(() => {});
    const all = [...this.byName.values()];
    this.byName = new Map();
    this.hash = consistentHash(this.o.hashAlgorithm, []);
    await Promise.all(all.map((s) => s.close()));
  }
}
