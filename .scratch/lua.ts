import { Redis } from 'ioredis';
import { startRedis } from '../test/support/redis-server.ts';
import { slidingWindow } from '../swarm/redis/scripts.ts';
const redis = await startRedis();
const d = new Redis({ port: redis.port, lazyConnect: true }); await d.connect();
const scripts: [string, string][] = [
  ['return 1', 'return 1'],
  ['time', "local t = redis.call('TIME') return 1"],
  ['hmget', "local v = redis.call('HMGET', KEYS[1], 'i', 'c', 'p') return 1"],
  ['sliding', slidingWindow.source],
];
for (const [name, src] of scripts) {
  const sha = String(await d.script('LOAD', src));
  await d.config('RESETSTAT');
  for (let r = 0; r < 20; r++) await Promise.all(Array.from({ length: 500 }, (_, i) => d.evalsha(sha, 1, `k${i % 100}`, 1000, 50)));
  const line = (await d.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha'));
  console.log(name.padEnd(10), line?.trim());
}
d.disconnect(); await redis.stop();
