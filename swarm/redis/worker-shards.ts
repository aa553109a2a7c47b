/**
 * Shard lists with -workers N: the shard source (a Kubernetes Service's endpoints) runs once per instance,
 * in the primary, which owns the Kubernetes client; each worker's ring follows the lists it relays. A list is
 * pushed to every worker as it changes, and a worker that starts (or is respawned) asks for the current one,
 * so no worker misses a list sent before its handler was attached. Both travel on the same IPC pipe, in
 * order, so a worker never applies an older list after a newer one.
 */
import cluster from 'node:cluster';
import { InstanceChannel, serveInstanceChannel, service, type Service } from '../../src/lifecycle/index.ts';
import type { ShardSource } from './shard-sources.ts';

const PUSH = 'skj:swarm-redis-shards';
const CHANNEL = 'swarm-redis-shards';

interface ShardsMessage {
  type: typeof PUSH;
  shards: string[];
}

/** In the primary: runs `source` and relays its lists to the workers. Start it before the workers. */
export function relayShardsToWorkers(source: ShardSource): Service {
  let last: string[] | null = null;
  let stopServing: (() => void) | undefined;
  return service(`swarm Redis shard list for the workers (${source.name})`, async () => {
    stopServing = serveInstanceChannel<number, string[] | null>(CHANNEL, () => last);
    await source.start((list) => {
      last = [...list];
      const msg: ShardsMessage = { type: PUSH, shards: last };
      for (const w of Object.values(cluster.workers ?? {})) if (w?.isConnected()) w.send(msg);
    });
  }, async () => {
    await source.stop();
    stopServing?.();
  });
}

/** In a worker: the lists the primary relays. */
export function workerShardSource(): ShardSource {
  let onMessage: ((msg: unknown) => void) | undefined;
  return {
    name: 'primary',
    async start(onShards) {
      onMessage = (msg) => {
        const m = msg as Partial<ShardsMessage> | null;
        if (m?.type === PUSH && Array.isArray(m.shards)) onShards(m.shards);
      };
      process.on('message', onMessage);
      // Until the primary has a list (its route source has not delivered yet) the ring stays empty: decisions
      // fall back, and the push brings the list.
      const current = await new InstanceChannel<number, string[] | null>(CHANNEL, { timeoutMs: 5000 }).request(0).catch(() => null);
      if (current !== null) onShards(current);
    },
    async stop() {
      if (onMessage !== undefined) process.off('message', onMessage);
      onMessage = undefined;
    },
  };
}
