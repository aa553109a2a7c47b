/**
 * Options of the Redis swarm store, one field per flag (src/config/flags-swarm.ts, flags-kubernetes.ts), and
 * the parsing of shard addresses. How each maps onto ioredis is in docs/swarm.md ("Redis").
 */
import { ConfigError } from '../../src/config/errors.ts';
import type { Config } from '../../src/config/table.ts';
import { parseHashAlgorithm, type HashAlgorithm } from './consistent-hash.ts';

export interface RedisStoreOptions {
  /** -swarm-redis-urls: `host:port`, `redis://[user[:password]@]host:port[/db]` or `rediss://…` (TLS). */
  readonly urls: readonly string[];
  /** -swarm-redis-username */
  readonly username: string;
  /** -swarm-redis-password, else SWARM_REDIS_PASSWORD; credentials in a URL win over both. */
  readonly password: string;
  /** -swarm-redis-hash-algorithm ('' parses to rendezvous). */
  readonly hashAlgorithm: HashAlgorithm;
  /** -swarm-redis-dial-timeout: ioredis connectTimeout. */
  readonly dialTimeoutMs: number;
  /** -swarm-redis-read-timeout and -swarm-redis-write-timeout: their sum is ioredis commandTimeout. */
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  /** -swarm-redis-pool-timeout: no pool to wait for (one multiplexed connection per shard); kept for the docs. */
  readonly poolTimeoutMs: number;
  /** -swarm-redis-min-conns / -max-conns: see docs/swarm.md; one auto-pipelined connection per shard. */
  readonly minConns: number;
  readonly maxConns: number;
  /** -swarm-redis-heartbeat-frequency: a heartbeat per shard (GET of its epoch key), so a hung or flushed shard is noticed without traffic. */
  readonly heartbeatMs: number;
  /** -swarm-redis-remote: URL answering `{"endpoints":[{"address":"ip:port"}]}`; '' for none. */
  readonly remoteUrl: string;
  /** -swarm-redis-update-interval: how often the remote shard list is fetched. */
  readonly updateIntervalMs: number;
  /** -kubernetes-redis-service-namespace/-name/-port; undefined when the name is unset. */
  readonly kubernetesService: { readonly namespace: string; readonly name: string; readonly port: number } | undefined;
}

/** Skipper's defaults (net/redisclient.go). */
export const DEFAULT_REDIS_STORE_OPTIONS: RedisStoreOptions = {
  urls: [],
  username: '',
  password: '',
  hashAlgorithm: 'rendezvous',
  dialTimeoutMs: 25,
  readTimeoutMs: 25,
  writeTimeoutMs: 25,
  poolTimeoutMs: 25,
  minConns: 100,
  maxConns: 100,
  heartbeatMs: 500,
  remoteUrl: '',
  updateIntervalMs: 10_000,
  kubernetesService: undefined,
};

function flagValue<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new ConfigError(`flag -${flag}: ${(err as Error).message}`);
  }
}

/** The store options from the parsed flags; `env` supplies SWARM_REDIS_PASSWORD. Throws ConfigError naming the flag. */
export function redisStoreOptionsFromConfig(c: Config, env: NodeJS.ProcessEnv = process.env): RedisStoreOptions {
  const o: RedisStoreOptions = {
    urls: c.swarmRedisUrls,
    username: c.swarmRedisUsername,
    password: c.swarmRedisPassword !== '' ? c.swarmRedisPassword : (env.SWARM_REDIS_PASSWORD ?? ''),
    hashAlgorithm: flagValue('swarm-redis-hash-algorithm', () => parseHashAlgorithm(c.swarmRedisHashAlgorithm)),
    dialTimeoutMs: c.swarmRedisDialTimeout,
    readTimeoutMs: c.swarmRedisReadTimeout,
    writeTimeoutMs: c.swarmRedisWriteTimeout,
    poolTimeoutMs: c.swarmRedisPoolTimeout,
    minConns: c.swarmRedisMinConns,
    maxConns: c.swarmRedisMaxConns,
    heartbeatMs: c.swarmRedisHeartbeatFrequency,
    remoteUrl: c.swarmRedisRemote,
    updateIntervalMs: c.swarmRedisUpdateInterval,
    kubernetesService:
      c.kubernetesRedisServiceName !== ''
        ? { namespace: c.kubernetesRedisServiceNamespace, name: c.kubernetesRedisServiceName, port: c.kubernetesRedisServicePort }
        : undefined,
  };
  for (const u of o.urls) flagValue('swarm-redis-urls', () => parseShardAddress(u));
  if (o.remoteUrl !== '') flagValue('swarm-redis-remote', () => new URL(o.remoteUrl));
  return o;
}

/** One shard as ioredis needs it; `name` (`host:port`) is what the consistent hash sees. */
export interface ShardAddress {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
}

/** Parses `host:port` or a redis:// / rediss:// URL; throws naming the culprit. */
export function parseShardAddress(text: string): ShardAddress {
  const withScheme = text.includes('://') ? text : `redis://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new Error(`invalid Redis address "${text}" (want host:port or redis://host:port)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`invalid Redis address "${text}": scheme must be redis:// or rediss://`);
  if (u.hostname === '') throw new Error(`invalid Redis address "${text}": no host`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`invalid Redis address "${text}": database must be a number`);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return {
    name: `${u.hostname}:${port}`,
    host,
    port,
    tls: u.protocol === 'rediss:',
    username: u.username !== '' ? decodeURIComponent(u.username) : undefined,
    password: u.password !== '' ? decodeURIComponent(u.password) : undefined,
    db,
  };
}
