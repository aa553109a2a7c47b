/**
 * Part 1 (decisions): cost of the Redis SwarmLimiter against a local redis-server, A/B against the base
 * version (default `main`, checked out into a temporary git worktree with node_modules linked) and beside
 * the in-memory sliding-window limiter it falls back to. Each run is a fresh process
 * (bench/support/swarm-redis-decisions.ts, loading the limiter from the tree it measures): 1 s warm-up, then
 * `--rate` decisions/s (default 5,000, the target) for `--seconds`, open loop on a 1 ms tick, 1,000
 * client keys, a limit that admits all (the script's longer path: count and write back); latency of each
 * decision from call to answer, GC pauses, decisions over 2 ms and how many overlapped a GC pause, event-loop
 * delay, CPU per decision of node and of redis-server. Rounds interleave the peers; each figure is the median.
 * `--variants="--max-semi-space-size=64;--single-threaded-gc"` adds runs of this tree with those node flags
 * (`;` between variants); `--profile=alloc` then samples the bytes allocated per decision by function, one
 * decision at a time, for each peer's last round.
 * Part 2 (proxy): the real skipjack command with a route `clusterRatelimit("bench", 1000000000, "1h")` over
 * Redis, which admits everything, against the same route without it, at -workers 1 and 2, loaded by
 * autocannon; rounds interleave the peers, each figure is the median; the store share is Redis's EVALSHA
 * calls per proxied request (1.00: every request was decided by Redis, none by the fallback).
 *
 *   npx node bench/swarm-redis.bench.ts [--part=all|decisions|proxy] [--rate=5000] [--seconds=5] [--rounds=3]
 *                                       [--base=main|<commit>|none] [--variants="node flags;…"] [--profile=alloc] [--timeout=ms]
 *                                       [--duration=5] [--connections=64]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../test/support/redis-server.ts';
import { autocannonLoad, cpuUs, killProcessGroup, startSkipjackProcess } from './lib/proxy-load.ts';
import type { OpenLoop } from './support/swarm-redis-decisions.ts';

const part = process.argv.find((a) => a.startsWith('--part='))?.slice(7) ?? 'all';
const text = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const arg = (name: string, dflt: string): number => Number(text(name, dflt));
const rate = arg('rate', '5000');
const seconds = arg('seconds', '5');
const rounds = arg('rounds', '3');
/** `--timeout=<ms>`: read and write timeouts each, instead of Skipper's 25 ms (e.g. to profile a loaded machine with every decision on the store). */
const timeoutMs = arg('timeout', '0');
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const la = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

/** The base version's tree: a detached worktree of `ref` (removed at the end of part 1). */
function baseTree(ref: string): { tree: string; commit: string } {
  const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', ref], { encoding: 'utf8' }).trim();
  // Named after this process: another bench (or helper) may hold a worktree of the same commit.
  const tree = join(tmpdir(), `skipjack-swarm-redis-base-${commit}-${process.pid}`);
  if (!existsSync(tree)) {
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', tree, commit], { stdio: 'ignore' });
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  }
  return { tree, commit };
}

interface Peer {
  name: string;
  tree: string;
  limiter: 'redis' | 'memory';
  nodeFlags: string[];
}

function runOnce(p: Peer, redis: RedisServer, profile: boolean): OpenLoop {
  const probe = join(root, 'bench/support/swarm-redis-decisions.ts');
  const r = spawnSync(process.execPath, [...p.nodeFlags, probe, p.tree, redis.address, String(redis.pid()), p.limiter, String(rate), String(seconds), ...(profile ? ['alloc'] : []), ...(timeoutMs > 0 ? [`timeout=${timeoutMs}`] : [])], {
    encoding: 'utf8',
    timeout: (seconds + 60) * 1000,
  });
  if (r.status !== 0) throw new Error(`${p.name}: ${r.stderr || String(r.error)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as OpenLoop;
}

async function decisionsPart(redis: RedisServer): Promise<void> {
  const baseRef = text('base', 'main');
  const variants = text('variants', '').split(';').map((v) => v.trim()).filter(Boolean);
  const profile = text('profile', '') === 'alloc';
  const peers: Peer[] = [];
  let base: { tree: string; commit: string } | undefined;
  if (baseRef !== 'none') {
    base = baseTree(baseRef);
    peers.push({ name: `base ${baseRef} (${base.commit}), redis`, tree: base.tree, limiter: 'redis', nodeFlags: [] });
  }
  peers.push({ name: 'this tree, redis', tree: root, limiter: 'redis', nodeFlags: [] });
  for (const v of variants) peers.push({ name: `this tree, redis, ${v}`, tree: root, limiter: 'redis', nodeFlags: v.split(' ') });
  peers.push({ name: 'this tree, in-memory sliding window', tree: root, limiter: 'memory', nodeFlags: [] });
  console.log(`swarm rate limit decisions: ${rate}/s offered for ${seconds} s (open loop), ${rounds} interleaved rounds, each run a fresh process; ${availableParallelism()} cores`);
  console.log('| round | peer | load avg | achieved/s | p50 ms | p99 ms | max ms | sources | CPU µs/decision node + redis | GC pauses (longest ms; kinds) | decisions > 2 ms (in a GC pause) | event-loop delay p99 ms | RSS MB | young gen MB |');
  console.log('| --: | --- | --- | --: | --: | --: | --: | --- | --: | --- | --: | --: | --: | --: |');
  const results = new Map<string, (OpenLoop & { load: number })[]>(peers.map((p) => [p.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const p of peers) {
      const load = loadavg()[0]!;
      const o = runOnce(p, redis, profile && r === rounds - 1);
      results.get(p.name)!.push({ ...o, load });
      console.log(
        `| ${r + 1} | ${p.name} | ${load.toFixed(1)} | ${o.perSecond} | ${o.p50.toFixed(3)} | ${o.p99.toFixed(3)} | ${o.max.toFixed(2)} | ${o.sources} | ${o.cpuSelf.toFixed(1)} + ${o.cpuRedis.toFixed(1)} | ${o.gcs} (${o.gcMax.toFixed(1)}; ${o.gcKinds}) | ${o.slow} (${o.slowInGc}) | ${o.loopDelayP99.toFixed(2)} | ${o.rssMb.toFixed(0)} | ${o.newSpaceMb.toFixed(0)} |`,
      );
    }
  }
  console.log(`\nmedians of ${rounds} rounds; load average now ${la()}`);
  console.log('| peer | p50 ms | p99 ms | max ms | CPU µs/decision node | GC pauses | longest GC ms | decisions > 2 ms (in a GC pause) | RSS MB | p99 vs base |');
  console.log('| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
  const baseP99 = base === undefined ? undefined : med(results.get(peers[0]!.name)!.map((o) => o.p99));
  for (const p of peers) {
    const xs = results.get(p.name)!;
    const m = (f: (o: OpenLoop) => number) => med(xs.map(f));
    const vs = baseP99 === undefined || p.limiter === 'memory' ? '–' : `${(m((o) => o.p99) / baseP99).toFixed(2)}×`;
    console.log(
      `| ${p.name} | ${m((o) => o.p50).toFixed(3)} | ${m((o) => o.p99).toFixed(3)} | ${m((o) => o.max).toFixed(2)} | ${m((o) => o.cpuSelf).toFixed(1)} | ${m((o) => o.gcs)} | ${m((o) => o.gcMax).toFixed(1)} | ${m((o) => o.slow)} (${m((o) => o.slowInGc)}) | ${m((o) => o.rssMb).toFixed(0)} | ${vs} |`,
    );
  }
  if (profile) {
    for (const p of peers) {
      const last = results.get(p.name)!.at(-1)!;
      console.log(`\n${p.name}: ${last.cpuOneAtATime?.toFixed(1)} µs node CPU and ${last.allocPerDecision?.toFixed(0)} B allocated per decision (one at a time, sampled, bench loop included); top functions:\n${last.allocTop}`);
    }
  }
  console.log('target (issue 9): p99 ≤ 2 ms with Redis at 5,000 decisions/s');
  if (base !== undefined) execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', base.tree], { stdio: 'ignore' });
}

/** EVALSHA calls the server has answered so far. */
async function evalshaCalls(client: Redis): Promise<number> {
  const m = /cmdstat_evalsha:calls=(\d+)/.exec(await client.info('commandstats'));
  return Number(m?.[1] ?? 0);
}

async function proxyPart(redis: RedisServer): Promise<void> {
  const duration = arg('duration', '5');
  const connections = arg('connections', '64');
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
