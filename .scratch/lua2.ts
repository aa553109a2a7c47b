import { Redis } from 'ioredis';
import { startRedis } from '../test/support/redis-server.ts';
import { slidingWindow } from '../swarm/redis/scripts.ts';
const redis = await startRedis();
const d = new Redis({ port: redis.port, lazyConnect: true }); await d.connect();
const NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ";
const scripts: [string, string][] = [
  ['now', NOW + 'return 1'],
  ['now+hmget+hset', NOW + "local v = redis.call('HMGET', KEYS[1], 'i', 'c', 'p') redis.call('HSET', KEYS[1], 'i', 5, 'c', 6, 'p', 7) return 1"],
  ['+pexpire', NOW + "local v = redis.call('HMGET', KEYS[1], 'i', 'c', 'p') redis.call('HSET', KEYS[1], 'i', 5, 'c', 6, 'p', 7) redis.call('PEXPIRE', KEYS[1], 2000) return 1"],
  ['hset big nums', NOW + "redis.call('HSET', KEYS[1], 'i', math.floor(now/1000), 'c', 6, 'p', 7) return 1"],
  ['sliding', slidingWindow.source],
  ['return now', NOW + 'return {1, 0, 3, now}'],
];
for (const [name, src] of scripts) {
  const sha = String(await d.script('LOAD', src));
  await d.config('RESETSTAT');
  for (let r = 0; r < 20; r++) await Promise.all(Array.from({ length: 500 }, (_, i) => d.evalsha(sha, 1, `k${i % 100}`, 1000, 50)));
  const line = (await d.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha'));
  console.log(name.padEnd(16), line?.match(/usec_per_call=[\d.]+/)?.[0]);
}
d.disconnect(); await redis.stop();
