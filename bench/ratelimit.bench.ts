/**
 * Rate-limit decision cost. Part 1 (decisions): one local decision in-process (`-workers 1`) against the same
 * decision asked of the primary over the batched cluster IPC channel (`-workers N`), at 1 and 64 requests in
 * flight per worker. Part 2 (proxy): the real skipjack command, a route `ratelimit(1000000000, "1h")` that
 * admits everything against the same route without it, at -workers 1 and 2, loaded by autocannon; rounds
 * interleave the peers and each figure is the median.
 *
 *   npx node bench/ratelimit.bench.ts [--decisions=200000] [--duration=5] [--connections=64] [--rounds=3] [--part=all|decisions|proxy]
 */
import cluster from 'node:cluster';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { InProcessLimiter } from '../src/ratelimit/instance-limiter.ts';
import { IpcLimiter, serveIpcLimiter } from '../src/ratelimit/ipc-limiter.ts';
import { LocalLimiter } from '../src/ratelimit/limiter.ts';
import { noDecisionMetrics } from '../src/ratelimit/decision-metrics.ts';
import type { RateLimitSettings } from '../src/ratelimit/settings.ts';
import { cpuUs, killProcessGroup, startSkipjackProcess } from './lib/proxy-load.ts';

const arg = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const settings: RateLimitSettings = { kind: 'service', maxHits: 1_000_000_000, windowMs: 3_600_000, group: '', identity: '' };
const counter = noDecisionMetrics.group('bench');

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** `inFlight` concurrent loops ask `total` decisions; per-decision latency in µs and decisions/s. */
async function measure(limiter: LocalLimiter, total: number, inFlight: number): Promise<{ perSec: number; p50: number; p99: number }> {
  const lat: number[] = [];
  let left = total;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (left-- > 0) {
      const t0 = process.hrtime.bigint();
      await limiter.check('');
      lat.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }));
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  lat.sort((a, b) => a - b);
  return { perSec: total / secs, p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

function row(name: string, r: { perSec: number; p50: number; p99: number }): string {
  return `| ${name} | ${Math.round(r.perSec).toLocaleString('en')} | ${(1e6 / r.perSec).toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`;
}

async function decisionsPart(): Promise<void> {
  const n = Number(arg('decisions', '200000'));
  if (cluster.isWorker) {
    const limiter = new LocalLimiter(settings, 'bench', new IpcLimiter(), counter);
    await measure(limiter, 2000, 16); // warm-up
    const rows = [row('IPC to the primary, 1 in flight', await measure(limiter, Math.min(n, 20_000), 1)),
      row('IPC to the primary, 64 in flight', await measure(limiter, n, 64))];
    process.send!({ rows }, () => process.exit(0));
    return;
  }
  const local = new LocalLimiter(settings, 'bench', new InProcessLimiter(), counter);
  await measure(local, 20_000, 1);
  const rows = [row('in-process (-workers 1), 1 in flight', await measure(local, n, 1)), row('in-process (-workers 1), 64 in flight', await measure(local, n, 64))];
  const stop = serveIpcLimiter(new InProcessLimiter());
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), args: process.argv.slice(2), serialization: 'advanced' });
  const w = cluster.fork();
  // The worker's channel requests arrive as 'message' events too; its report is the one with rows.
  const msg = await new Promise<{ rows: string[] }>((resolve) => w.on('message', (m: { rows?: string[] }) => {
    if (m?.rows !== undefined) resolve(m as { rows: string[] });
  }));
  stop();
  console.log(`\nDecisions (${n.toLocaleString('en')} per line; µs per decision = 1e6 / rate; latency from ask to answer)\n`);
  console.log('| path | decisions/s | µs per decision | p50 µs | p99 µs |\n| --- | --- | --- | --- | --- |');
  for (const r of [...rows, ...msg.rows]) console.log(r);
}


interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** wrk when installed (µs latencies, one thread leaves more CPU to the peers), else autocannon. */
function runLoad(port: number, seconds: number, connections: number): Promise<Run> {
  if (spawnSync('wrk', ['--version']).error !== undefined) return runAutocannon(port, seconds, connections);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const ms = (v: string): number => {
      const m = /^([\d.]+)(us|ms|s)$/.exec(v)!;
      return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2] as 'us' | 'ms' | 's'];
    };
    child.on('error', reject).on('exit', (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const p50 = /^\s+50%\s+(\S+)/m.exec(out);
      const p99 = /^\s+99%\s+(\S+)/m.exec(out);
      if (code !== 0 || rps === null || p50 === null || p99 === null) return reject(new Error(`wrk failed (${code}): ${out}`));
      const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
      resolve({ rps: Number(rps[1]), p50: ms(p50[1]!), p99: ms(p99[1]!), errors });
    });
  });
}

async function runAutocannon(port: number, seconds: number, connections: number): Promise<Run> {
  // autocannon ships no types; this is the part of its API the benchmark uses.
  type Out = { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
  const { default: autocannon } = (await import('autocannon' as string)) as { default: (o: object) => Promise<Out> };
  const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections, duration: seconds });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function proxyPart(): Promise<void> {
  const duration = Number(arg('duration', '5'));
  const connections = Number(arg('connections', '64'));
  const rounds = Number(arg('rounds', '3'));
  const body = Buffer.from('ok\n');
  const backend = createServer({ keepAliveTimeout: 60_000 }, (_q, s) => s.writeHead(200, { 'content-length': body.length }).end(body));
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  const b = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const peers = [
    { name: 'workers 1, no limit', args: ['-workers=1', `-inline-routes=r: * -> "${b}";`] },
    { name: 'workers 1, ratelimit', args: ['-workers=1', '-enable-ratelimits', `-inline-routes=r: * -> ratelimit(1000000000, "1h") -> "${b}";`] },
    { name: 'workers 2, no limit', args: ['-workers=2', `-inline-routes=r: * -> "${b}";`] },
    { name: 'workers 2, ratelimit (IPC)', args: ['-workers=2', '-enable-ratelimits', `-inline-routes=r: * -> ratelimit(1000000000, "1h") -> "${b}";`] },
  ];
  const results = new Map<string, { rps: number[]; p50: number[]; p99: number[]; cpu: number[] }>(peers.map((p) => [p.name, { rps: [], p50: [], p99: [], cpu: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (const p of peers) {
      const sj = await startSkipjackProcess(p.args);
      try {
        await runLoad(sj.port, 1, connections); // warm-up: JIT, connection pools
        const before = cpuUs(sj.proc.pid!);
        const out = await runLoad(sj.port, duration, connections);
        const cpu = (cpuUs(sj.proc.pid!) - before) / (out.rps * duration);
        if (out.errors > 0) throw new Error(`${p.name}: ${out.errors} errors or non-2xx answers`);
        const x = results.get(p.name)!;
        x.rps.push(out.rps);
        x.p50.push(out.p50);
        x.p99.push(out.p99);
        x.cpu.push(cpu);
      } finally {
        killProcessGroup(sj.proc);
      }
    }
  }
  backend.close();
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(`\nProxy (${spawnSync('wrk', ['--version']).error === undefined ? 'wrk -t1' : 'autocannon'}, ${connections} connections, ${duration} s, median of ${rounds} rounds)\n`);
  console.log('| peer | RPS | p50 ms | p99 ms | CPU µs per request (all processes) | RPS vs the same workers without the limit |\n| --- | --- | --- | --- | --- | --- |');
  for (const p of peers) {
    const x = results.get(p.name)!;
    const base = results.get(p.name.replace(/, ratelimit.*$/, ', no limit'))!;
    console.log(`| ${p.name} | ${Math.round(med(x.rps))} | ${med(x.p50)} | ${med(x.p99)} | ${med(x.cpu).toFixed(0)} | ${(med(x.rps) / med(base.rps)).toFixed(2)}× |`);
  }
}

const part = arg('part', 'all');
if (cluster.isWorker) await decisionsPart();
else {
  if (part !== 'proxy') await decisionsPart();
  if (part !== 'decisions') await proxyPart();
}
