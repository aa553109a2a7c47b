/**
 * Skipper's swarm, rate limit and circuit breaker flags, and skipjack's breaker-quorum flags. The composition
 * root (src/roles/swarm.ts) gives them their effect; the few still `accepted` parse so Skipper manifests start
 * unchanged (docs/swarm.md says why they have none).
 */
import { flag } from './flag-types.ts';

const ms = 1;
const S = 1000;
const accepted = { status: 'accepted' } as const;

export const swarmFlags = {
  enableSwarm: flag.bool('enable-swarm', false, 'enable swarm communication between the instances of a fleet'),
  swarmRedisUrls: flag.list('swarm-redis-urls', [], 'Redis URLs (comma separated) forming the swarm, e.g. for cluster rate limits'),
  swarmRedisUsername: flag.string('swarm-redis-username', '', 'Redis user name'),
  swarmRedisPassword: flag.string('swarm-redis-password', '', 'Redis password (or the SWARM_REDIS_PASSWORD environment variable)'),
  swarmRedisHashAlgorithm: flag.string('swarm-redis-hash-algorithm', '', 'shard selection: jump, mpchash, rendezvous, rendezvousVnodes'),
  swarmRedisDialTimeout: flag.duration('swarm-redis-dial-timeout', 25 * ms, 'Redis dial timeout'),
  swarmRedisReadTimeout: flag.duration('swarm-redis-read-timeout', 25 * ms, 'Redis socket read timeout'),
  swarmRedisWriteTimeout: flag.duration('swarm-redis-write-timeout', 25 * ms, 'Redis socket write timeout'),
  swarmRedisPoolTimeout: flag.duration('swarm-redis-pool-timeout', 25 * ms, 'timeout to get a Redis connection from the pool', accepted),
  swarmRedisMinConns: flag.int('swarm-redis-min-conns', 100, 'minimum number of Redis connections', accepted),
  swarmRedisMaxConns: flag.int('swarm-redis-max-conns', 100, 'maximum number of Redis connections', accepted),
  swarmRedisRemote: flag.string('swarm-redis-remote', '', 'URL to poll the Redis shard list from (e.g. a route server)'),
  swarmRedisUpdateInterval: flag.duration('swarm-redis-update-interval', 10 * S, 'how often the Redis shard list is refreshed'),
  swarmRedisHeartbeatFrequency: flag.duration('swarm-redis-heartbeat-frequency', 500 * ms, 'how often Redis shards are pinged'),
  swarmNamespace: flag.string('swarm-namespace', 'kube-system', 'Kubernetes namespace of the swarm peers'),
  swarmLabelSelectorKey: flag.string('swarm-label-selector-key', 'application', 'label key selecting the swarm peers'),
  swarmLabelSelectorValue: flag.string('swarm-label-selector-value', 'skipper-ingress', 'label value selecting the swarm peers'),
  swarmPort: flag.int('swarm-port', 9990, 'port of the swarm gossip protocol'),
  swarmMaxMsgBuffer: flag.int('swarm-max-msg-buffer', 4194304, 'maximum swarm message buffer size'),
  swarmLeaveTimeout: flag.duration('swarm-leave-timeout', 5 * S, 'timeout for leaving the swarm'),
  swarmStaticSelf: flag.string('swarm-static-self', '', 'static swarm self address, e.g. 127.0.0.1:9001'),
  swarmStaticOther: flag.string('swarm-static-other', '', 'static swarm peer addresses, comma separated'),
  swarmValkeyUrls: flag.list('swarm-valkey-urls', [], 'Valkey URLs (comma separated): the same store as -swarm-redis-urls (Valkey speaks the Redis protocol); password from SWARM_VALKEY_PASSWORD'),
  swarmValkeyRemote: flag.string('swarm-valkey-remote', '', 'URL to poll the Valkey shard list from, as -swarm-redis-remote'),
  swarmValkeyDialTimeout: flag.duration('swarm-valkey-dial-timeout', 25 * ms, 'Valkey dial timeout'),
  swarmValkeyConnTimeout: flag.duration('swarm-valkey-conn-timeout', 25 * ms, 'Valkey command timeout (connect, read, write)'),
  swarmValkeyConnLifetime: flag.duration('swarm-valkey-conn-lifetime', 60 * S, 'Valkey connection life time (no effect: one multiplexed connection per shard, reconnected on failure)', accepted),
  swarmValkeyKeepalive: flag.duration('swarm-valkey-keepalive', 1 * S, 'Valkey keep-alive probe interval (no effect: the heartbeat PING of -swarm-redis-heartbeat-frequency covers it)', accepted),
  swarmValkeyUpdateInterval: flag.duration('swarm-valkey-update-interval', 10 * S, 'how often the Valkey shard list is refreshed'),
  swarmBreakerQuorum: flag.int('swarm-breaker-quorum', 2, 'skipjack only, not in Skipper: distinct instances whose failure evidence opens a shared breaker fleet-wide (at least 2)'),
  swarmBreakerQuorumShare: flag.float('swarm-breaker-quorum-share', 0, 'skipjack only, not in Skipper: alternatively a share (0..1] of the live members whose evidence opens a shared breaker; the larger of the two counts'),
  clusterRatelimitMaxGroupShards: flag.int('cluster-ratelimit-max-group-shards', 1, 'maximum number of group shards of clusterRatelimit (values below 1 count as 1)'),
  enableRatelimits: flag.bool('enable-ratelimits', false, 'enable the rate-limit filters (ratelimit, clientRatelimit, clusterRatelimit, …)'),
  ratelimits: flag.multi('ratelimits', 'default rate limit of every route, e.g. type=client,max-hits=20,time-window=60s (type: client, service, clusterClient, clusterService, disabled; group=… for cluster types); enables the rate-limit filters; the first value counts'),
  enableBreakers: flag.bool('enable-breakers', false, 'enable breakers to be set from filters (consecutiveBreaker, rateBreaker) without global or host settings (equivalent to -breaker type=disabled)'),
  breaker: flag.multi('breaker', 'global or host specific circuit breaker, e.g. type=rate,host=www.example.org,window=300,failures=30; keys: type (consecutive, rate, disabled; default consecutive), host, failures, window, timeout, half-open-requests, idle-ttl; repeatable'),
};
