/**
 * Where the Redis shard list comes from: a static list (-swarm-redis-urls), a URL polled every
 * -swarm-redis-update-interval (-swarm-redis-remote, e.g. skipjack-routesrv's /swarm/redis/shards), or the
 * ready endpoints of a Kubernetes Service (-kubernetes-redis-service-*), fed by the existing watch.
 */
import type { ClusterState } from '../../src/dataclients/kubernetes/convert/index.ts';
import type { Logger } from '../../src/log/app-log.ts';
import { redisShards, type RedisServiceRef } from '../../src/routesrv/redis-shards.ts';

/** A shard list that may change; the ring rebalances on every new list. */
export interface ShardSource {
  readonly name: string;
  /** Delivers lists to `onShards`; resolves after the first list (or the first failure to get one). */
  start(onShards: (addresses: readonly string[]) => void): Promise<void>;
  stop(): Promise<void>;
}

/** A fixed list. */
export function staticShardSource(urls: readonly string[]): ShardSource {
  return {
    name: 'static',
    async start(onShards) {
      onShards(urls);
    },
    async stop() {},
  };
}

/** Parses a route server's answer: `{"endpoints":[{"address":"ip:port"},…]}`. Throws on another shape. */
export function parseShardList(body: unknown): string[] {
  const eps = (body as { endpoints?: unknown })?.endpoints;
  if (!Array.isArray(eps)) throw new Error('shard list has no "endpoints" array');
  return eps.map((e, i) => {
    const a = (e as { address?: unknown })?.address;
    if (typeof a !== 'string' || a === '') throw new Error(`shard list endpoint ${i} has no "address"`);
    return a;
  });
}

/**
 * Polls `url` every `intervalMs`. A failed poll keeps the last list (a route server restart must not empty
 * the ring) and is logged once until a poll succeeds again.
 */
export function remoteShardSource(url: string, intervalMs: number, log: Logger, timeoutMs = 5000): ShardSource {
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  let last = '';
  const poll = async (onShards: (a: readonly string[]) => void) => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`status ${res.status}`);
      const list = parseShardList(await res.json());
      if (failing) log.info('swarm Redis shard list available again', { url });
      failing = false;
      const key = [...list].sort().join(',');
      if (key !== last) {
        last = key;
        onShards(list);
      }
    } catch (err) {
      if (!failing) log.error('swarm Redis shard list unavailable, keeping the last one', { url, error: (err as Error).message });
      failing = true;
    }
  };
  return {
    name: 'remote',
    async start(onShards) {
      await poll(onShards);
      const tick = () => {
        timer = setTimeout(() => void poll(onShards).finally(() => timer !== undefined && tick()), intervalMs);
        timer.unref();
      };
      tick();
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * Subscribes to the watched cluster state; returns the unsubscribe function. The composition root feeds it
 * from the Kubernetes client it already runs, so the shard list follows the Service's endpoints as they
 * change instead of on a poll.
 */
export type ClusterStateWatch = (onState: (state: ClusterState) => void) => () => void;

/** The ready endpoints of `ref`, from the watched cluster state (same selection as the route server's). */
export function kubernetesShardSource(watch: ClusterStateWatch, ref: RedisServiceRef): ShardSource {
  let unsubscribe: (() => void) | undefined;
  let last = '';
  return {
    name: 'kubernetes',
    async start(onShards) {
      unsubscribe = watch((state) => {
        const list = redisShards(state, ref).endpoints.map((e) => e.address);
        const key = list.join(',');
        if (key === last) return;
        last = key;
        onShards(list);
      });
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
