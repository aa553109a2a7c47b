import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/load.ts';
import { DEFAULT_REDIS_STORE_OPTIONS, parseShardAddress, redisStoreOptionsFromConfig } from '../../../swarm/redis/redis-options.ts';

test('defaults from the flag table are Skipper’s', () => {
  assert.deepEqual(redisStoreOptionsFromConfig(loadConfig([]), {}), DEFAULT_REDIS_STORE_OPTIONS);
});

test('every flag maps to its option', () => {
  const c = loadConfig([
    '-swarm-redis-urls=10.0.0.1:6379,rediss://u:p@redis.example:6380/2',
    '-swarm-redis-username=skj',
    '-swarm-redis-password=pw',
    '-swarm-redis-hash-algorithm=mpchash',
    '-swarm-redis-dial-timeout=1s',
    '-swarm-redis-read-timeout=30ms',
    '-swarm-redis-write-timeout=40ms',
    '-swarm-redis-pool-timeout=50ms',
    '-swarm-redis-min-conns=3',
    '-swarm-redis-max-conns=7',
    '-swarm-redis-heartbeat-frequency=2s',
    '-swarm-redis-remote=http://routesrv:9090/swarm/redis/shards',
    '-swarm-redis-update-interval=3s',
    '-kubernetes-redis-service-namespace=ns',
    '-kubernetes-redis-service-name=redis',
    '-kubernetes-redis-service-port=6380',
  ]);
  assert.deepEqual(redisStoreOptionsFromConfig(c, { SWARM_REDIS_PASSWORD: 'env' }), {
    urls: ['10.0.0.1:6379', 'rediss://u:p@redis.example:6380/2'],
    username: 'skj',
    password: 'pw',
    hashAlgorithm: 'mpchash',
    dialTimeoutMs: 1000,
    readTimeoutMs: 30,
    writeTimeoutMs: 40,
    poolTimeoutMs: 50,
    minConns: 3,
    maxConns: 7,
    heartbeatMs: 2000,
    remoteUrl: 'http://routesrv:9090/swarm/redis/shards',
    updateIntervalMs: 3000,
    kubernetesService: { namespace: 'ns', name: 'redis', port: 6380 },
  });
});

test('SWARM_REDIS_PASSWORD when the flag is unset', () => {
  assert.equal(redisStoreOptionsFromConfig(loadConfig([]), { SWARM_REDIS_PASSWORD: 'env' }).password, 'env');
});

test('bad values are named', () => {
  assert.throws(() => redisStoreOptionsFromConfig(loadConfig(['-swarm-redis-hash-algorithm=ring']), {}), { code: 'SKJ_ERR_CONFIG_FLAG', message: /^flag -swarm-redis-hash-algorithm: unknown Redis hash algorithm "ring"/ });
  assert.throws(() => redisStoreOptionsFromConfig(loadConfig(['-swarm-redis-urls=http://x:1']), {}), { code: 'SKJ_ERR_CONFIG_FLAG', message: /^flag -swarm-redis-urls: invalid Redis address "http:\/\/x:1"/ });
  assert.throws(() => redisStoreOptionsFromConfig(loadConfig(['-swarm-redis-remote=not a url']), {}), /^ConfigError: flag -swarm-redis-remote/);
});

test('shard addresses: host:port, redis:// and rediss:// with credentials and database', () => {
  assert.deepEqual(parseShardAddress('10.0.0.1:6380'), { name: '10.0.0.1:6380', host: '10.0.0.1', port: 6380, tls: false, username: undefined, password: undefined, db: 0 });
  assert.deepEqual(parseShardAddress('rediss://u%40x:p%3Aw@redis.example/3'), { name: 'redis.example:6379', host: 'redis.example', port: 6379, tls: true, username: 'u@x', password: 'p:w', db: 3 });
  assert.equal(parseShardAddress('redis://[::1]:7000').host, '::1');
  assert.throws(() => parseShardAddress('redis:///'), /no host/);
});
