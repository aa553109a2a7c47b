/**
 * One measured run of bench/swarm-redis.bench.ts part 1, in a fresh process, with the limiter code of the
 * tree named on the command line (this one or the base commit's worktree), so both versions run under the
 * same bench code:
 *
 *   node bench/support/swarm-redis-decisions.ts <tree> <redis host:port> <redis pid> <redis|memory> <rate> <seconds> [alloc|cpu=<dir>] [timeout=<ms>]
 *
 * Warm-up: 1 s of the same open loop (a closed loop would leave a heap of garbage whose major GC then lands
 * in the measured run). Then `rate` decisions/s for `seconds` on a 1 ms tick, 1,000 client keys, a limit that
 * admits everything (the script's longer path: count and write back). Prints one JSON line (OpenLoop).
 * `alloc` then samples allocations (V8's sampling heap profiler, collected objects included) over 5,000
 * decisions made one at a time and adds bytes per decision and the top allocating functions; `cpu=<dir>` writes a .cpuprofile of the measured run there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import type { Logger } from '../../src/log/app-log.ts';
import type { LimitSettings, SwarmLimiter } from '../../src/ratelimit/ports.ts';

const [tree, address, redisPidText, which, rateText, secondsText, ...extra] = process.argv.slice(2) as [string, string, string, string, string, string, ...string[]];
const profile = extra.find((x) => x === 'alloc' || x.startsWith('cpu=')) ?? '';
/** `timeout=<ms>`: read and write timeouts each (Skipper's 25 ms when absent). */
const timeoutMs = Number(extra.find((x) => x.startsWith('timeout='))?.slice(8) ?? 25);
const rate = Number(rateText);
const seconds = Number(secondsText);
const redisPid = Number(redisPidText);
const from = (path: string) => import(pathToFileURL(join(tree, path)).href);

const quiet: Logger = { enabled: () => false, log() {}, debug() {}, info() {}, warn() {}, error() {} };
const limit: LimitSettings = { group: 'bench', maxHits: 50, windowMs: 1000 };
const KEYS = Array.from({ length: 1000 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);

export interface OpenLoop {
  decisions: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  allowedShare: number;
  sources: string;
  /** GC pauses during the run: count, longest (ms), and by kind (scavenge / mark-compact / other). */
  gcs: number;
  gcMax: number;
  gcKinds: string;
  /** Decisions slower than 2 ms, and how many of them overlapped a GC pause. */
  slow: number;
  slowInGc: number;
  /** Event-loop delay p99 (ms): how late timers and I/O callbacks ran. */
  loopDelayP99: number;
  /** CPU µs per decision of this process and of redis-server. */
  cpuSelf: number;
  cpuRedis: number;
  /** Resident set size at the end (MB). */
  rssMb: number;
  /** The young generation's size at the end (MB, both semi-spaces). */
  newSpaceMb: number;
  /** With `alloc`: bytes allocated per decision, and the top functions by bytes per decision. */
  allocPerDecision?: number;
  allocTop?: string;
  /** With `alloc`: node CPU µs per decision, one decision at a time (each one script call), without the profiler. */
  cpuOneAtATime?: number;
}

function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

const pct = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

const gcPauses: { start: number; end: number; kind: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, end: e.startTime + e.duration, kind: (e as PerformanceEntry & { detail: { kind: number } }).detail.kind });
}).observe({ entryTypes: ['gc'] });

async function openLoop(l: SwarmLimiter, secs: number): Promise<OpenLoop> {
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
  const c0 = process.cpuUsage();
  const r0 = procCpuMs(redisPid);
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
  const cpu = process.cpuUsage(c0);
  const redisMs = procCpuMs(redisPid) - r0;
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
  // perf_hooks constants: NODE_PERFORMANCE_GC_MINOR 1, MAJOR 4, INCREMENTAL 8, WEAKCB 16.
  const kinds = new Map<string, number>();
  for (const g of pauses) {
    const k = g.kind === 1 ? 'scavenge' : g.kind === 4 ? 'mark-compact' : g.kind === 8 ? 'incremental' : `kind ${g.kind}`;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  return {
    decisions: total,
    perSecond: Math.round(total / elapsed),
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    max: lat[lat.length - 1]!,
    allowedShare: allowed / total,
    sources: [...sources].map(([s, n]) => `${s}:${n}`).join(' '),
    gcs: pauses.length,
    gcMax: Math.max(0, ...pauses.map((g) => g.end - g.start)),
    gcKinds: [...kinds].map(([k, n]) => `${n} ${k}`).join(', '),
    slow,
    slowInGc,
    loopDelayP99: delay.percentile(99) / 1e6,
    cpuSelf: (cpu.user + cpu.system) / total,
    cpuRedis: (redisMs * 1000) / total,
    rssMb: process.memoryUsage.rss() / 2 ** 20,
    newSpaceMb: (getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20,
  };
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Bytes per decision by function (`name file:line`), largest first. */
function topAllocations(head: SamplingNode, decisions: number): { total: number; top: string } {
  const by = new Map<string, number>();
  let total = 0;
  const walk = (n: SamplingNode) => {
    if (n.selfSize > 0) {
      const f = n.callFrame;
      const where = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(swarm|src|bench)\//, '$1/')}:${f.lineNumber + 1}`;
      by.set(where, (by.get(where) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c);
  };
  walk(head);
  const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([w, b]) => `${(b / decisions).toFixed(0)} B ${w}`);
  return { total: total / decisions, top: top.join('\n') };
}

async function main(): Promise<void> {
  let l: SwarmLimiter;
  let stop = async () => {};
  if (which === 'memory') {
    const { LocalFallbackLimiter } = await from('swarm/redis/local-fallback.ts');
    const local = new LocalFallbackLimiter(() => 1);
    l = { allow: async (lim, key) => local.allow(lim, key) };
  } else {
    const { DEFAULT_REDIS_STORE_OPTIONS } = await from('swarm/redis/redis-options.ts');
    const { RedisShardRing } = await from('swarm/redis/shard-ring.ts');
    const { RedisSwarmLimiter } = await from('swarm/redis/redis-limiter.ts');
    const ring = new RedisShardRing({ ...DEFAULT_REDIS_STORE_OPTIONS, urls: [address], readTimeoutMs: timeoutMs, writeTimeoutMs: timeoutMs }, { log: quiet });
    await ring.start();
    l = new RedisSwarmLimiter({ ring, members: () => 1 });
    stop = () => ring.stop();
  }
  await openLoop(l, 1);
  const session = new Session();
  if (profile !== '') session.connect();
  if (profile.startsWith('cpu=')) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const out = await openLoop(l, seconds);
  if (profile === 'alloc') {
    // Apart from the timed run, one decision at a time: every decision is one script call whatever the
    // machine's load (in the open loop a late turn coalesces several), so versions compare exactly.
    const n = 5000;
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await l.allow(limit, KEYS[i % KEYS.length]!, false);
    const c = process.cpuUsage(c0);
    out.cpuOneAtATime = (c.user + c.system) / n;
    await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let i = 0; i < n; i++) await l.allow(limit, KEYS[i % KEYS.length]!, false);
    const { profile: p } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: SamplingNode } };
    const a = topAllocations(p.head, n);
    out.allocPerDecision = a.total;
    out.allocTop = a.top;
  } else if (profile.startsWith('cpu=')) {
    const { profile: p } = await session.post('Profiler.stop');
    writeFileSync(join(profile.slice(4), `decisions-${process.pid}.cpuprofile`), JSON.stringify(p));
  }
  await stop();
  console.log(JSON.stringify(out));
  // The ring's sockets are closed; timers of a failed run must not keep the process.
  process.exit(0);
}

await main();
