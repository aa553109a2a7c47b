/**
 * Skipper's swarm, rate limit and circuit breaker flags. They parse and validate now so Skipper manifests
 * start unchanged; the swarm and rate limit issues give them their effect (status `accepted` until then).
 */
import { flag } from './flag-types.ts';

const ms = 1;
const S = 1000;
const accepted = { status: 'accepted' } as const;

export const swarmFlags = {
  enableSwarm: flag.bool('enable-swarm', false, 'enable swarm communication between the instances of a fleet', accepted),
  swarmRedisUrls: flag.list('swarm-redis-urls', [], 'Redis URLs (comma separated) forming the swarm, e.g. for cluster rate limits', accepted),
  swarmRedisUsername: flag.string('swarm-redis-username', '', 'Redis user name', accepted),
  swarmRedisPassword: flag.string('swarm-redis-password', '', 'Redis password (or the SWARM_REDIS_PASSWORD environment variable)', accepted),
  swarmRedisHashAlgorithm: flag.string('swarm-redis-hash-algorithm', '', 'shard selection: jump, mpchash, rendezvous, rendezvousVnodes', accepted),
  swarmRedisDialTimeout: flag.duration('swarm-redis-dial-timeout', 25 * ms, 'Redis dial timeout', accepted),
  swarmRedisReadTimeout: flag.duration('swarm-redis-read-timeout', 25 * ms, 'Redis socket read timeout', accepted),
  swarmRedisWriteTimeout: flag.duration('swarm-redis-write-timeout', 25 * ms, 'Redis socket write timeout', accepted),
  swarmRedisPoolTimeout: flag.duration('swarm-redis-pool-timeout', 25 * ms, 'timeout to get a Redis connection from the pool', accepted),
  swarmRedisMinConns: flag.int('swarm-redis-min-conns', 100, 'minimum number of Redis connections', accepted),
  swarmRedisMaxConns: flag.int('swarm-redis-max-conns', 100, 'maximum number of Redis connections', accepted),
  swarmRedisRemote: flag.string('swarm-redis-remote', '', 'URL to poll the Redis shard list from (e.g. a route server)', accepted),
  swarmRedisUpdateInterval: flag.duration('swarm-redis-update-interval', 10 * S, 'how often the Redis shard list is refreshed', accepted),
  swarmRedisHeartbeatFrequency: flag.duration('swarm-redis-heartbeat-frequency', 500 * ms, 'how often Redis shards are pinged', accepted),
  swarmNamespace: flag.string('swarm-namespace', 'kube-system', 'Kubernetes namespace of the swarm peers', accepted),
  swarmLabelSelectorKey: flag.string('swarm-label-selector-key', 'application', 'label key selecting the swarm peers', accepted),
  swarmLabelSelectorValue: flag.string('swarm-label-selector-value', 'skipper-ingress', 'label value selecting the swarm peers', accepted),
  swarmPort: flag.int('swarm-port', 9990, 'port of the swarm gossip protocol', accepted),
  swarmMaxMsgBuffer: flag.int('swarm-max-msg-buffer', 4194304, 'maximum swarm message buffer size', accepted),
  swarmLeaveTimeout: flag.duration('swarm-leave-timeout', 5 * S, 'timeout for leaving the swarm', accepted),
  swarmStaticSelf: flag.string('swarm-static-self', '', 'static swarm self address, e.g. 127.0.0.1:9001', accepted),
  swarmStaticOther: flag.string('swarm-static-other', '', 'static swarm peer addresses, comma separated', accepted),
  clusterRatelimitMaxGroupShards: flag.int('cluster-ratelimit-max-group-shards', 1, 'maximum number of group shards of clusterRatelimit (values below 1 count as 1)'),
  enableRatelimits: flag.bool('enable-ratelimits', false, 'enable the rate-limit filters (ratelimit, clientRatelimit, clusterRatelimit, …)'),
  ratelimits: flag.multi('ratelimits', 'default rate limit of every route, e.g. type=client,max-hits=20,time-window=60s (type: client, service, clusterClient, clusterService, disabled; group=… for cluster types); enables the rate-limit filters; the first value counts'),
  enableBreakers: flag.bool('enable-breakers', false, 'enable breakers to be set from filters (consecutiveBreaker, rateBreaker) without global or host settings (equivalent to -breaker type=disabled)'),
  breaker: flag.multi('breaker', 'global or host specific circuit breaker, e.g. type=rate,host=www.example.org,window=300,failures=30; keys: type (consecutive, rate, disabled; default consecutive), host, failures, window, timeout, half-open-requests, idle-ttl; repeatable'),
};
