/**
 * The swarm of one instance, wired from the flags: the only place that imports swarm/. With -enable-swarm off
 * nothing here runs and skipjack is exactly as before.
 *
 * Modes (docs/swarm.md "Wiring"):
 * - Redis when a shard source is configured: -swarm-redis-urls, -swarm-redis-remote,
 *   -kubernetes-redis-service-name (or their -swarm-valkey-* / -kubernetes-valkey-service-* aliases);
 * - gossip otherwise (Skipper's rule), with static membership (-swarm-static-self) or the Kubernetes pods of
 *   -swarm-label-selector-*; and gossip beside Redis, as its fallback limiter, when -swarm-static-self is set.
 *
 * Which process runs what with -workers N: membership, the gossip node and a Kubernetes shard source once per
 * instance, in the primary; workers ask the primary's gossip limiter (or, Redis-only, its instance share) over
 * the instance channel while Redis is away, and get the shard lists relayed. Redis clients are per worker
 * (each decision is one auto-pipelined round trip; relaying it through the primary would add an IPC hop).
 */
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { SharedBreakers } from '../circuit/shared.ts';
import type { BreakerRegistry } from '../circuit/registry.ts';
import type { SwarmBus } from '../circuit/ports.ts';
import { ConfigError } from '../config/errors.ts';
import type { Config } from '../config/table.ts';
import type { ClusterState } from '../dataclients/kubernetes/convert/index.ts';
import type { KubeApi } from '../dataclients/kubernetes/api.ts';
import { service, type Service } from '../lifecycle/index.ts';
import type { Logger } from '../log/app-log.ts';
import type { SwarmLeakyBucket, SwarmLimiter } from '../ratelimit/ports.ts';
import { IpcSwarmLimiter, serveIpcSwarmLimiter } from '../ratelimit/ipc-swarm-limiter.ts';
// Gossip (libp2p) is imported when used: it costs a second of start-up that workers and Redis-only swarms skip.
import type { GossipSwarm } from '../../swarm/gossip/gossip-swarm.ts';
import type { Membership } from '../../swarm/gossip/membership.ts';
import {
  createRedisBus, createRedisSwarm, instanceFallbackLimiter, kubernetesShardSource, redisStoreOptionsFromConfig, relayShardsToWorkers,
  workerShardSource, type ClusterStateWatch, type RedisStoreOptions, type ShardSource,
} from '../../swarm/redis/index.ts';

export interface SwarmMode {
  readonly redis: boolean;
  readonly gossip: boolean;
}

function valkeyConfigured(c: Config): boolean {
  return c.swarmValkeyUrls.length > 0 || c.swarmValkeyRemote !== '' || c.kubernetesValkeyServiceName !== '';
}

function redisConfigured(c: Config): boolean {
  return c.swarmRedisUrls.length > 0 || c.swarmRedisRemote !== '' || c.kubernetesRedisServiceName !== '' || valkeyConfigured(c);
}

/** Null without -enable-swarm. Throws ConfigError for swarm flags out of range (in every process role). */
export function swarmMode(c: Config): SwarmMode | null {
  if (!c.enableSwarm) return null;
  if (!(c.swarmBreakerQuorumShare >= 0 && c.swarmBreakerQuorumShare <= 1)) {
    throw new ConfigError(`flag -swarm-breaker-quorum-share: ${c.swarmBreakerQuorumShare} is not within 0..1`);
  }
  const redis = redisConfigured(c);
  return { redis, gossip: !redis || c.swarmStaticSelf !== '' };
}

/**
 * The store options; the -swarm-valkey-* flags drive the same store as -swarm-redis-* (Valkey speaks the Redis
 * protocol), Redis's own flags win where both are set. Throws ConfigError naming the flag.
 */
export function storeOptions(c: Config, env: NodeJS.ProcessEnv = process.env): RedisStoreOptions {
  const valkeyOnly = valkeyConfigured(c) && !(c.swarmRedisUrls.length > 0 || c.swarmRedisRemote !== '' || c.kubernetesRedisServiceName !== '');
  const merged: Config = valkeyOnly
    ? {
      ...c,
      swarmRedisUrls: c.swarmValkeyUrls,
      swarmRedisRemote: c.swarmValkeyRemote,
      swarmRedisUpdateInterval: c.swarmValkeyUpdateInterval,
      swarmRedisDialTimeout: c.swarmValkeyDialTimeout,
      // Valkey's one command deadline; the store adds read and write deadlines into one.
      swarmRedisReadTimeout: c.swarmValkeyConnTimeout,
      swarmRedisWriteTimeout: 0,
      kubernetesRedisServiceNamespace: c.kubernetesValkeyServiceNamespace,
      kubernetesRedisServiceName: c.kubernetesValkeyServiceName,
      kubernetesRedisServicePort: c.kubernetesValkeyServicePort,
    }
    : c;
  return redisStoreOptionsFromConfig(merged, valkeyOnly ? { ...env, SWARM_REDIS_PASSWORD: env.SWARM_VALKEY_PASSWORD ?? env.SWARM_REDIS_PASSWORD } : env);
}

/** Cluster states from the Kubernetes route source, for the Redis shard source; fed by the route sources. */
export class ClusterStateFeed {
  readonly #listeners = new Set<(s: ClusterState) => void>();
  #last: ClusterState | undefined;
  readonly push = (s: ClusterState): void => {
    this.#last = s;
    for (const l of this.#listeners) l(s);
  };
  readonly watch: ClusterStateWatch = (onState) => {
    this.#listeners.add(onState);
    if (this.#last !== undefined) onState(this.#last);
    return () => this.#listeners.delete(onState);
  };
}

/** What the rate limits and breakers of one process get from the swarm. */
export interface ProcessSwarm {
  readonly limiter: SwarmLimiter | null;
  readonly leakyBucket: SwarmLeakyBucket | null;
  /** For shared breakers; null where breakers cannot be shared (see docs/swarm.md "Wiring"). */
  readonly bus: SwarmBus | null;
  /** Start in order, stop in reverse; the breaker sharing is added by {@link shareBreakers}. */
  readonly services: Service[];
}

export interface SwarmDeps {
  logger: Logger;
  registry: Registry;
  /** Cluster states of the Kubernetes route source (-kubernetes); null without it. */
  clusterStates: ClusterStateFeed | null;
}

async function kubeApi(c: Config): Promise<KubeApi> {
  const [{ kubeOptionsFromConfig }, { KubeApi: Api, kubeConfigFromOptions }] = await Promise.all([
    import('../dataclients/kubernetes/from-config.ts'), import('../dataclients/kubernetes/api.ts'),
  ]);
  try {
    return new Api(kubeConfigFromOptions(kubeOptionsFromConfig(c)));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** Logs an error text once until a different one comes (dials retried every few seconds would flood the log). */
function onceLogger(log: (m: string) => void): (err: Error) => void {
  let last = '';
  return (err) => {
    if (err.message === last) return;
    last = err.message;
    log(err.message);
  };
}

/** The gossip swarm of the instance (single process or primary); its membership changes are logged. */
async function gossipSwarm(c: Config, d: SwarmDeps): Promise<GossipSwarm> {
  const { createGossipSwarm } = await import('../../swarm/gossip/gossip-swarm.ts');
  let gs: GossipSwarm;
  try {
    gs = createGossipSwarm({
      port: c.swarmPort,
      staticSelf: c.swarmStaticSelf,
      staticOther: c.swarmStaticOther,
      namespace: c.swarmNamespace,
      labelSelectorKey: c.swarmLabelSelectorKey,
      labelSelectorValue: c.swarmLabelSelectorValue,
      maxMsgBuffer: c.swarmMaxMsgBuffer,
      leaveTimeoutMs: c.swarmLeaveTimeout,
      kubeApi: c.swarmStaticSelf === '' && c.kubernetes ? await kubeApi(c) : undefined,
      selfHost: process.env.POD_IP || undefined,
      registry: d.registry,
      onError: onceLogger((m) => d.logger.warn(`swarm gossip: ${m}`)),
    });
  } catch (err) {
    throw err instanceof ConfigError ? err : new ConfigError((err as Error).message);
  }
  let lastLine = '';
  gs.node.onMembersChange(() => {
    const line = `swarm gossip: ${gs.node.live().length} of ${gs.node.known().length} members live (${gs.node.live().join(', ')})`;
    if (line !== lastLine) d.logger.info((lastLine = line));
  });
  return gs;
}

/**
 * Kubernetes membership for a Redis-only swarm (no gossip node): the member count for the fallback share and
 * the member list the Redis bus and shared breakers need. Null outside Kubernetes.
 */
async function redisMembership(c: Config, d: SwarmDeps): Promise<Membership | null> {
  if (!c.kubernetes) return null;
  const { KubeMembership } = await import('../../swarm/membership/kube-membership.ts');
  return new KubeMembership({
    api: await kubeApi(c),
    namespace: c.swarmNamespace,
    labelSelectorKey: c.swarmLabelSelectorKey,
    labelSelectorValue: c.swarmLabelSelectorValue,
    port: c.swarmPort,
    selfHost: process.env.POD_IP || undefined,
    onError: onceLogger((m) => d.logger.warn(`swarm membership: ${m}`)),
  });
}

function shardSource(o: RedisStoreOptions, d: SwarmDeps): ShardSource | undefined {
  if (o.kubernetesService === undefined) return undefined;
  if (d.clusterStates === null) throw new ConfigError('-kubernetes-redis-service-name needs -kubernetes: the shard list comes from the Kubernetes client');
  return kubernetesShardSource(d.clusterStates.watch, o.kubernetesService);
}

function redisPart(
  c: Config, d: SwarmDeps, members: () => readonly string[], self: string, fallback: SwarmLimiter | undefined, source?: ShardSource,
): { limiter: SwarmLimiter & SwarmLeakyBucket; bus: SwarmBus & Service; services: Service[] } {
  const o = storeOptions(c);
  const redis = createRedisSwarm(o, { log: d.logger, registry: d.registry, source: source ?? shardSource(o, d), members: () => members().length, fallback });
  const bus = createRedisBus(redis.ring, { self, members, log: d.logger });
  return { limiter: redis.limiter, bus, services: [redis.ring, bus] };
}

/** The member id of an instance without membership: unique per process, stable for its life. */
function processId(): string {
  return `${hostname()}/${process.pid}`;
}

/** The swarm of a single process (-workers 1): everything in this process. Null without -enable-swarm. */
export async function singleProcessSwarm(c: Config, d: SwarmDeps): Promise<ProcessSwarm | null> {
  const mode = swarmMode(c);
  if (mode === null) return null;
  const gossip = mode.gossip ? await gossipSwarm(c, d) : null;
  if (!mode.redis) {
    d.logger.info(`swarm: gossip on ${c.swarmStaticSelf !== '' ? c.swarmStaticSelf : `port ${c.swarmPort}`}`);
    return { limiter: gossip!.limiter, leakyBucket: gossip!.leakyBucket, bus: gossip!.bus, services: [...gossip!.services] };
  }
  const membership = gossip === null ? await redisMembership(c, d) : null;
  const members = gossip !== null ? () => gossip.node.live() : membership !== null ? () => membership.members() : () => [processId()];
  const self = gossip?.node.self ?? membership?.self ?? processId();
  const redis = redisPart(c, d, members, self, gossip?.limiter);
  d.logger.info(`swarm: Redis store${gossip !== null ? ', gossip as its fallback' : ''}`);
  return {
    limiter: redis.limiter,
    leakyBucket: redis.limiter,
    // Gossip delivers to every live member directly; without membership no peer counts for a quorum.
    bus: gossip?.bus ?? (membership !== null ? redis.bus : null),
    services: [...(gossip?.services ?? []), ...(membership !== null ? [membership] : []), ...redis.services],
  };
}

/**
 * The primary of -workers N: what the swarm needs once per instance — the gossip swarm, or (Redis-only) the
 * instance's fallback share, answering the workers' decisions over the instance channel; a Kubernetes Redis
 * shard source, relayed to the workers.
 */
export async function primarySwarm(
  c: Config, d: SwarmDeps,
): Promise<{ services: Service[]; limiter: SwarmLimiter; leakyBucket: SwarmLeakyBucket | null; bus: SwarmBus | null } | null> {
  const mode = swarmMode(c);
  if (mode === null) return null;
  // The primary compiles the routes (for /routes) but never decides: its filters only need to know what exists.
  const inWorkers = (): Promise<never> => Promise.reject(new Error('decided in the workers'));
  const leakyBucket = mode.redis ? { add: inWorkers } : null;
  const source = mode.redis ? shardSource(storeOptions(c), d) : undefined;
  const relay = source !== undefined ? [relayShardsToWorkers(source)] : [];
  const serve = (name: string, l: SwarmLimiter): Service => {
    let stop: (() => void) | null = null;
    return service(name, () => void (stop = serveIpcSwarmLimiter(l)), () => stop?.());
  };
  if (!mode.gossip) {
    const membership = await redisMembership(c, d);
    const fallback = instanceFallbackLimiter(membership !== null ? () => membership.members().length : () => 1);
    return {
      services: [...(membership !== null ? [membership] : []), ...relay, serve('swarm fallback decisions for the workers', fallback)],
      limiter: { allow: inWorkers },
      leakyBucket,
      // No Redis client in the primary, so no bus: the instance's breakers are not shared in Redis-only mode.
      bus: null,
    };
  }
  const gossip = await gossipSwarm(c, d);
  d.logger.info(`swarm: gossip on ${c.swarmStaticSelf !== '' ? c.swarmStaticSelf : `port ${c.swarmPort}`} in the primary${mode.redis ? ', as the fallback of the workers\' Redis store' : ''}`);
  // The instance's breakers (owned by this primary) are shared over the gossip bus, once per instance.
  return { limiter: gossip.limiter, leakyBucket, bus: gossip.bus, services: [...gossip.services, ...relay, serve('swarm decisions for the workers', gossip.limiter)] };
}

/**
 * A worker of -workers N: its own Redis clients (Redis mode) over the shard list the primary relays when it
 * comes from Kubernetes; the primary's gossip limiter, or its instance share, over the instance channel
 * (gossip mode, or Redis's fallback). Breakers belong to the primary, which shares them.
 */
export function workerSwarm(c: Config, d: SwarmDeps): ProcessSwarm | null {
  const mode = swarmMode(c);
  if (mode === null) return null;
  const primary = new IpcSwarmLimiter();
  if (!mode.redis) return { limiter: primary, leakyBucket: null, bus: null, services: [] };
  const source = storeOptions(c).kubernetesService !== undefined ? workerShardSource() : undefined;
  const redis = redisPart(c, d, () => [processId()], processId(), primary, source);
  return { limiter: redis.limiter, leakyBucket: redis.limiter, bus: null, services: redis.services.slice(0, 1) };
}

/** Shares `breakers` over the swarm's bus, with the -swarm-breaker-quorum flags; null without both. */
export function shareBreakers(c: Config, logger: Logger, breakers: BreakerRegistry | null, bus: SwarmBus | null): Service | null {
  if (breakers === null || bus === null) return null;
  const onError = onceLogger((m) => logger.warn(`shared breakers: ${m}`));
  return new SharedBreakers(breakers, bus, { quorum: c.swarmBreakerQuorum, share: c.swarmBreakerQuorumShare, onError });
}
