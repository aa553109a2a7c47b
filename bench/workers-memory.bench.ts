/**
 * Memory per worker: resident memory of skipjack (the built command, as deployed) with -workers 1, 2 and 3,
 * idle and after a small bounded load, summed over the primary and its workers. -workers 1 is one process;
 * from 2 on there is a primary (route sources, /routes, metrics) plus N workers, so 2 − 1 is what leaving
 * single-process mode costs and 3 − 2 what each further worker costs: the figures a memory limit is sized
 * by (docs/performance.md#memory-per-worker).
 *
 *   npx node bench/workers-memory.bench.ts [--routes=1000] [--requests=20000] [--concurrency=32] [--rounds=2]
 *
 * Rounds interleave the worker counts; each figure is the median over rounds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { builtCommand, ROOT } from '../test/cmd/harness.ts';

const arg = (name: string, dflt: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt);
const ROUTES = arg('routes', 1000);
const REQUESTS = arg('requests', 20_000);
const CONCURRENCY = arg('concurrency', 32);
const ROUNDS = arg('rounds', 2);

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]) * 1024;
}

function tree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone
  }
  return [pid, ...children.flatMap(tree)];
}

const sum = (pid: number, field: 'VmRSS' | 'VmHWM'): number => tree(pid).reduce((a, p) => a + status(p, field), 0);

async function load(port: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let sent = 0;
  const deadline = Date.now() + 60_000;
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/r${sent % ROUTES}/x`, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (sent < REQUESTS && Date.now() < deadline) {
      sent++;
      await one();
    }
  }));
  agent.destroy();
}

async function measure(workers: number, backendPort: number): Promise<{ idle: number; loaded: number; peak: number }> {
  const routes = Array.from({ length: ROUTES }, (_, i) => `r${i}: PathSubtree("/r${i}") -> setRequestHeader("X-Route", "${i}") -> "http://127.0.0.1:${backendPort}";`).join('\n');
  const cmd = builtCommand();
  const proc: ChildProcess = spawn(cmd[0]!, [...cmd.slice(1), '-address=127.0.0.1:0', '-support-listener=', `-workers=${workers}`, '-access-log-disabled', `-inline-routes=${routes}`],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let err = '';
    const port = await new Promise<number>((resolve, reject) => {
      proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        const m = /proxy listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
        if (m !== null) resolve(Number(m[1]));
      });
      proc.once('exit', () => reject(new Error(`skipjack exited:\n${err}`)));
    });
    // Idle means after start-up garbage has been collected at least once; a few seconds of quiet.
    await sleep(3000);
    const idle = sum(proc.pid!, 'VmRSS');
    await load(port);
    await sleep(1000);
    return { idle, loaded: sum(proc.pid!, 'VmRSS'), peak: sum(proc.pid!, 'VmHWM') };
  } finally {
    proc.kill('SIGKILL');
    for (const p of tree(proc.pid!)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

const backend = createServer({ keepAliveTimeout: 60_000 }, (_req, res) => res.end('ok\n'));
backend.listen(0, '127.0.0.1');
await once(backend, 'listening');
const backendPort = (backend.address() as AddressInfo).port;
const COUNTS = [1, 2, 3];
const results: Record<number, { idle: number; loaded: number; peak: number }[]> = { 1: [], 2: [], 3: [] };
for (let r = 0; r < ROUNDS; r++) for (const w of COUNTS) results[w]!.push(await measure(w, backendPort));
backend.close();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (b: number): string => `${(b / 1e6).toFixed(0)} MB`;
console.log(`${ROUTES} routes, ${REQUESTS} requests at concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds (RSS summed over primary and workers)`);
console.log('| workers | idle RSS | RSS after load | peak RSS (VmHWM) |');
console.log('|---|---|---|---|');
for (const w of COUNTS) {
  const x = results[w]!;
  console.log(`| ${w} | ${mb(median(x.map((m) => m.idle)))} | ${mb(median(x.map((m) => m.loaded)))} | ${mb(median(x.map((m) => m.peak)))} |`);
}
const d = (a: number, b: number, f: 'idle' | 'loaded' | 'peak') => mb(median(results[a]!.map((m) => m[f])) - median(results[b]!.map((m) => m[f])));
console.log(`single process → primary + 2 workers: idle +${d(2, 1, 'idle')}, after load +${d(2, 1, 'loaded')}, peak +${d(2, 1, 'peak')}`);
console.log(`each further worker (3 − 2): idle +${d(3, 2, 'idle')}, after load +${d(3, 2, 'loaded')}, peak +${d(3, 2, 'peak')}`);
