import { Redis } from 'ioredis';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { startRedis } from '../test/support/redis-server.ts';
import { slidingWindow } from '../swarm/redis/scripts.ts';
import { RedisSwarmLimiter } from '../swarm/redis/redis-limiter.ts';
import { RedisShardRing } from '../swarm/redis/shard-ring.ts';
import { DEFAULT_REDIS_STORE_OPTIONS } from '../swarm/redis/redis-options.ts';

const rate = 5000, seconds = 2;
const KEYS = Array.from({ length: 1000 }, (_, i) => `skj:sw:1000:5:bench:10.1.${i >> 8}.${i & 255}`);
const redis = await startRedis();
type Fn = (i: number) => Promise<unknown>;
const gcs: { t: number; d: number; kind: number }[] = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcs.push({ t: e.startTime, d: e.duration, kind: (e as any).detail?.kind }); }).observe({ entryTypes: ['gc'] });

async function open(fn: Fn) {
  const total = rate * seconds; const lat = new Float64Array(total); let issued = 0, done = 0;
  const h = monitorEventLoopDelay({ resolution: 1 }); h.enable();
  const g0 = gcs.length;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      for (; issued < due; issued++) { const i = issued; const s = performance.now(); void fn(i).then(() => { lat[i] = performance.now() - s; if (++done === total) resolve(); }); }
      if (issued < total) setTimeout(tick, 1);
    };
    tick();
  });
  h.disable();
  lat.sort();
  const my = gcs.slice(g0);
  return `p50 ${lat[total/2|0]!.toFixed(3)} p99 ${lat[total*0.99|0]!.toFixed(3)} p999 ${lat[total*0.999|0]!.toFixed(2)} max ${lat[total-1]!.toFixed(2)} | eld p99 ${(h.percentile(99)/1e6).toFixed(2)} max ${(h.max/1e6).toFixed(2)} | gc n=${my.length} max ${Math.max(0,...my.map(g=>g.d)).toFixed(2)} sum ${my.reduce((a,g)=>a+g.d,0).toFixed(1)}`;
}
const mk = (auto: boolean) => { const c = new Redis({ host: '127.0.0.1', port: redis.port, enableAutoPipelining: auto, lazyConnect: true }); return c; };
const a = mk(true), b = mk(false);
await a.connect(); await b.connect();
await a.script('LOAD', slidingWindow.source);
const quiet: any = { enabled: () => false, log() {}, debug() {}, info() {}, warn() {}, error() {} };
const ring = new RedisShardRing({ ...DEFAULT_REDIS_STORE_OPTIONS, urls: [redis.address], readTimeoutMs: 1000 }, { log: quiet });
await ring.start();
const lim = new RedisSwarmLimiter({ ring, members: () => 1 });
const limit = { group: 'bench', maxHits: 50, windowMs: 1000 };
const variants: [string, Fn][] = [
  ['limiter', (i) => lim.allow(limit, `10.1.${(i%1000) >> 8}.${i & 255}`, false)],
  ['raw auto', (i) => a.evalsha(slidingWindow.sha, 1, KEYS[i % 1000]!, 1000, 50)],
  ['raw noauto', (i) => b.evalsha(slidingWindow.sha, 1, KEYS[i % 1000]!, 1000, 50)],
];
for (const [, f] of variants) await open(f);
for (let r = 0; r < 3; r++) for (const [n, f] of variants) console.log(n.padEnd(12), await open(f));
console.log('load', loadavg().map(x=>x.toFixed(1)).join(' '));
await ring.stop(); a.disconnect(); b.disconnect(); await redis.stop();
