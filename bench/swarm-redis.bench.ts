/**
 * Part 1 (decisions): cost of the Redis SwarmLimiter against a local redis-server, side by side with the
 * in-memory sliding-window limiter of the same algorithm (the one Redis falls back to):
 *   - open loop: `--rate` decisions/s (default 5,000, the target) for `--seconds`, latency of each
 *     decision from call to answer, p50/p99/max;
 *   - closed loop: `--concurrency` decisions in flight (default 256) for `--seconds`, decisions/s.
 * Keys are spread over 1,000 clients, 5 decisions per key and second against a limit of 50 per second: every
 * decision is admitted, the script's longer path (count and write back).
 * Part 2 (proxy): the real skipjack command with a route `clusterRatelimit("bench", 1000000000, "1h")` over
 * Redis, which admits everything, against the same route without it, at -workers 1 and 2, loaded by
 * autocannon; rounds interleave the peers, each figure is the median; the store share is Redis's EVALSHA
 * calls per proxied request (1.00: every request was decided by Redis, none by the fallback).
 *
 *   npx node bench/swarm-redis.bench.ts [--part=all|decisions|proxy] [--rate=5000] [--seconds=5] [--concurrency=256]
 *                                       [--duration=5] [--connections=64] [--rounds=3]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { LimitSettings, SwarmLimiter } from '../src/ratelimit/ports.ts';
import type { Logger } from '../src/log/app-log.ts';
import { LocalFallbackLimiter } from '../swarm/redis/local-fallback.ts';
import { DEFAULT_REDIS_STORE_OPTIONS } from '../swarm/redis/redis-options.ts';
import { RedisSwarmLimiter } from '../swarm/redis/redis-limiter.ts';
import { RedisShardRing } from '../swarm/redis/shard-ring.ts';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../test/support/redis-server.ts';
import { autocannonLoad, cpuUs, killProcessGroup, startSkipjackProcess } from './lib/proxy-load.ts';

const part = process.argv.find((a) => a.startsWith('--part='))?.slice(7) ?? 'all';
const arg = (name: string, dflt: string): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt);
const rate = arg('rate', '5000');
const seconds = arg('seconds', '5');
const concurrency = arg('concurrency', '256');

const quiet: Logger = { enabled: () => false, log() {}, debug() {}, info() {}, warn() {}, error() {} };
const limit: LimitSettings = { group: 'bench', maxHits: 50, windowMs: 1000 };
const KEYS = Array.from({ length: 1000 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** CPU ms (user + system) a process has used, from /proc: clock ticks are 10 ms on Linux. */
let redisPid = (): number => 0;

function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

interface Cpu {
  /** µs of this process's CPU per decision. */
  self: number;
  /** µs of redis-server's CPU per decision. */
  redis: number;
}

async function cpuOf<T>(n: () => number, run: () => Promise<T>): Promise<[T, Cpu]> {
  const c0 = process.cpuUsage();
  const r0 = procCpuMs(redisPid());
  const out = await run();
  const c = process.cpuUsage(c0);
  const count = n();
  return [out, { self: (c.user + c.system) / count, redis: ((procCpuMs(redisPid()) - r0) * 1000) / count }];
}

interface OpenLoop {
  decisions: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  allowedShare: number;
  sources: string;
  /** GC pauses during the run: count, longest (ms). */
  gcs: number;
  gcMax: number;
  /** Decisions slower than 2 ms, and how many of them overlapped a GC pause. */
  slow: number;
  slowInGc: number;
  /** Event-loop delay p99 (ms): how late timers and I/O callbacks ran. */
  loopDelayP99: number;
}

/** GC pauses as the performance timeline records them (start and duration, on performance.now()'s clock). */
const gcPauses: { start: number; end: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, end: e.startTime + e.duration });
}).observe({ entryTypes: ['gc'] });

/** Issues `rate` decisions per second on a 1 ms tick for `secs`; latency per decision in ms. */
async function openLoop(l: SwarmLimiter, secs = seconds): Promise<OpenLoop> {
  const total = Math.round(rate * secs);
  const lat = new Float64Array(total);
  const began = new Float64Array(total);
  const gc0 = gcPauses.length;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const sources = new Map<string, number>();
  let issued = 0;
  let done = 0;
  let allowed = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      for (; issued < due; issued++) {
        const i = issued;
        const start = (began[i] = performance.now());
        void l.allow(limit, KEYS[i % KEYS.length]!, false).then((d) => {
          lat[i] = performance.now() - start;
          if (d.allowed) allowed++;
          sources.set(d.source, (sources.get(d.source) ?? 0) + 1);
          if (++done === total) resolve();
        });
      }
      if (issued < total) setTimeout(tick, 1);
    };
    tick();
  });
  const elapsed = (performance.now() - t0) / 1000;
  delay.disable();
  const pauses = gcPauses.slice(gc0);
  let slow = 0;
  let slowInGc = 0;
  for (let i = 0; i < total; i++) {
    if (lat[i]! <= 2) continue;
    slow++;
    const end = began[i]! + lat[i]!;
    if (pauses.some((g) => g.start < end && g.end > began[i]!)) slowInGc++;
  }
  lat.sort();
  return {
    gcs: pauses.length,
    gcMax: Math.max(0, ...pauses.map((g) => g.end - g.start)),
    slow,
    slowInGc,
    loopDelayP99: delay.percentile(99) / 1e6,
    decisions: total,
    perSecond: Math.round(total / elapsed),
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    max: lat[lat.length - 1]!,
    allowedShare: allowed / total,
    sources: [...sources].map(([s, n]) => `${s}:${n}`).join(' '),
  };
}

/** Keeps `concurrency` decisions in flight for `seconds`; decisions per second, and the share the store made. */
async function closedLoop(l: SwarmLimiter): Promise<{ perSecond: number; storeShare: number }> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  let store = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w; performance.now() < end; i += concurrency) {
        if ((await l.allow(limit, KEYS[i % KEYS.length]!, false)).source === 'store') store++;
        n++;
      }
    }),
  );
  return { perSecond: Math.round(n / seconds), storeShare: store / n };
}

async function decisionsPart(redis: RedisServer): Promise<void> {
  redisPid = () => redis.pid();
  const ring = new RedisShardRing({ ...DEFAULT_REDIS_STORE_OPTIONS, urls: [redis.address] }, { log: quiet });
  try {
    await ring.start();
    const redisLimiter = new RedisSwarmLimiter({ ring, members: () => 1 });
    const local = new LocalFallbackLimiter(() => 1);
    const memory: SwarmLimiter = { allow: async (lim, key) => local.allow(lim, key) };
    // Warm-up (JIT, the script cache) at the measured rate: a closed loop here would leave a heap of garbage
    // whose major GC then lands in the measured run.
    await openLoop(redisLimiter, 1);
    await openLoop(memory, 1);
    const rows: [string, OpenLoop, Cpu, Awaited<ReturnType<typeof closedLoop>>][] = [];
    for (const [name, l] of [['redis (1 shard, Lua script)', redisLimiter], ['in-memory sliding window', memory]] as const) {
      const [open, cpu] = await cpuOf(() => Math.round(rate * seconds), () => openLoop(l));
      const closed = await closedLoop(l);
      rows.push([name, open, cpu, closed]);
    }
    console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
    console.log(`swarm rate limit decisions, ${rate}/s offered for ${seconds} s (open loop), then ${concurrency} in flight (closed loop)`);
    console.log('| limiter | offered/s | achieved/s | p50 ms | p99 ms | max ms | admitted | sources | CPU µs/decision (node + redis) | closed loop decisions/s (store share) | GC pauses (longest ms) | decisions > 2 ms (in a GC pause) | event-loop delay p99 ms |');
    console.log('| --- | --: | --: | --: | --: | --: | --: | --- | --: | --: | --: | --: | --: |');
    for (const [name, o, cpu, c] of rows) {
      console.log(
        `| ${name} | ${rate} | ${o.perSecond} | ${o.p50.toFixed(3)} | ${o.p99.toFixed(3)} | ${o.max.toFixed(2)} | ${(o.allowedShare * 100).toFixed(0)} % | ${o.sources} | ${cpu.self.toFixed(1)} + ${cpu.redis.toFixed(1)} | ${c.perSecond} (${(c.storeShare * 100).toFixed(0)} %) | ${o.gcs} (${o.gcMax.toFixed(1)}) | ${o.slow} (${o.slowInGc}) | ${o.loopDelayP99.toFixed(2)} |`,
      );
    }
    const [r, m] = rows;
    console.log(`p99 added by Redis over in-memory: ${(r![1].p99 - m![1].p99).toFixed(3)} ms (target ≤ 2 ms)`);
  } finally {
    await ring.stop();
  }
}

/** EVALSHA calls the server has answered so far. */
async function evalshaCalls(client: Redis): Promise<number> {
  const m = /cmdstat_evalsha:calls=(\d+)/.exec(await client.info('commandstats'));
  return Number(m?.[1] ?? 0);
}

async function proxyPart(redis: RedisServer): Promise<void> {
  const duration = arg('duration', '5');
  const connections = arg('connections', '64');
  const rounds = arg('rounds', '3');
  const body = Buffer.from('ok\n');
  const backend = createServer({ keepAliveTimeout: 60_000 }, (_q, s) => s.writeHead(200, { 'content-length': body.length }).end(body));
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  const b = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const swarm = ['-enable-swarm', '-enable-ratelimits', `-swarm-redis-urls=${redis.address}`, '-swarm-redis-read-timeout=1s', '-swarm-redis-dial-timeout=1s'];
  const limited = `-inline-routes=r: * -> clusterRatelimit("bench", 1000000000, "1h") -> "${b}";`;
  const peers = [
    { name: 'workers 1, no limit', args: ['-workers=1', `-inline-routes=r: * -> "${b}";`] },
    { name: 'workers 1, clusterRatelimit (Redis)', args: ['-workers=1', ...swarm, limited] },
    { name: 'workers 2, no limit', args: ['-workers=2', `-inline-routes=r: * -> "${b}";`] },
    { name: 'workers 2, clusterRatelimit (Redis)', args: ['-workers=2', ...swarm, limited] },
  ];
  const stats = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
  await stats.connect();
  const results = new Map(peers.map((p) => [p.name, { rps: [] as number[], p50: [] as number[], p99: [] as number[], cpu: [] as number[], store: [] as number[] }]));
  for (let r = 0; r < rounds; r++) {
    for (const p of peers) {
      const sj = await startSkipjackProcess(p.args);
      try {
        await autocannonLoad(sj.port, 1, connections); // warm-up: JIT, connection pools, script cache
        const before = cpuUs(sj.proc.pid!);
        const calls = await evalshaCalls(stats);
        const out = await autocannonLoad(sj.port, duration, connections);
        const requests = out.total;
        if (out.errors > 0) throw new Error(`${p.name}: ${out.errors} errors or non-2xx answers`);
        const x = results.get(p.name)!;
        x.rps.push(out.rps);
        x.p50.push(out.p50);
        x.p99.push(out.p99);
        x.cpu.push((cpuUs(sj.proc.pid!) - before) / requests);
        x.store.push(((await evalshaCalls(stats)) - calls) / requests);
      } finally {
        killProcessGroup(sj.proc);
      }
    }
  }
  stats.disconnect();
  backend.close();
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(`\nProxy (autocannon, ${connections} connections, ${duration} s, median of ${rounds} rounds; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})\n`);
  console.log('| peer | RPS | p50 ms | p99 ms | CPU µs per request (skipjack processes) | Redis calls per request | RPS vs the same workers without the limit (target ≥ 0.8×) |');
  console.log('| --- | --: | --: | --: | --: | --: | --: |');
  for (const p of peers) {
    const x = results.get(p.name)!;
    const base = results.get(p.name.replace(/, clusterRatelimit.*$/, ', no limit'))!;
    const store = p.name.includes('Redis') ? med(x.store).toFixed(2) : '–';
    console.log(`| ${p.name} | ${Math.round(med(x.rps))} | ${med(x.p50)} | ${med(x.p99)} | ${med(x.cpu).toFixed(0)} | ${store} | ${(med(x.rps) / med(base.rps)).toFixed(2)}× |`);
  }
}

const redis = await startRedis();
try {
  if (part !== 'proxy') await decisionsPart(redis);
  if (part !== 'decisions') await proxyPart(redis);
} finally {
  await redis.stop();
}
