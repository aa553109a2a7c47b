/**
 * Proxy benchmark: skipjack against a bare node:http + undici pass-through proxy and node-http-proxy, in one
 * run, against the same node:http backend, loaded by wrk or autocannon for a bounded time each. skipjack runs as the
 * real command with 1,000 routes, the measured request matching a Host + Path route with two header filters,
 * metrics on (always), access log off (the other peers log nothing either). Also skipjack -workers 2 vs 1.
 *
 *   npx node bench/proxy.bench.ts [--duration=8] [--connections=64] [--rounds=3] [--loadgen=auto|wrk|autocannon]
 *     [--skipjack-flags="-metrics-flavour=codahale,prometheus -serve-route-metrics -serve-host-metrics -backend-host-metrics"]
 *     [--peers=bare,http-proxy,skipjack1,skipjack2] [--base=/path/to/other/checkout] [--rate=0]
 *
 * --base adds the peer "skipjack base -workers 1": the command from another checkout (e.g. `git archive <commit>`
 * unpacked, with node_modules linked), in the same interleaved rounds, so old and new race side by side.
 * --peers picks the peers to run (default: all four; skipjack1 is the one the ratios compare).
 * --rate=N (autocannon only) offers N requests/s in total instead of as many as the peer answers: every peer
 * then does the same work, and CPU per request no longer moves with how far each run saturated the machine.
 *
 * The load generator is wrk when it is installed (Debian's package; one thread), else autocannon: wrk leaves
 * more of the machine's two cores to the peers and reports latencies in µs rather than whole milliseconds.
 *
 * Each peer runs in its own process (this file with --role=…). Rounds interleave the peers (A B C D A B C D …)
 * and each figure is the median over rounds, so a burst of load from elsewhere on a shared machine skews one
 * round of every peer rather than all rounds of one. Prints RPS, p50 and p99 per peer and the ratios.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const arg = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;

/** Extra skipjack flags, space separated, e.g. --skipjack-flags="-metrics-flavour=prometheus -serve-route-metrics". */
const SKIPJACK_FLAGS = arg('skipjack-flags', '').split(' ').filter((f) => f !== '');

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

async function listenAndReport(server: ReturnType<typeof createServer>): Promise<void> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

/** Role: the backend every peer forwards to. */
async function backendRole(): Promise<void> {
  const body = Buffer.from('hello from the benchmark backend\n');
  await listenAndReport(createServer({ keepAliveTimeout: 60_000 }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  }));
}

/** Role: the smallest reasonable pass-through proxy: node:http in, undici out, bodies streamed. */
async function bareRole(backend: string): Promise<void> {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 60_000 });
  await listenAndReport(createServer({ keepAliveTimeout: 60_000 }, (req: IncomingMessage, res: ServerResponse) => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    request(`${backend}${req.url}`, { method: req.method as 'GET', headers, body: hasBody ? req : null, dispatcher }).then((up) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
      res.writeHead(up.statusCode, out);
      up.body.pipe(res);
    }, () => res.writeHead(502).end());
  }));
}

/** Role: node-http-proxy with a keep-alive agent. */
async function httpProxyRole(backend: string): Promise<void> {
  const { default: httpProxy } = await import('http-proxy');
  const proxy = httpProxy.createProxyServer({ target: backend, agent: new HttpAgent({ keepAlive: true, maxSockets: 256 }) });
  proxy.on('error', (_e, _req, res) => (res as ServerResponse).writeHead(502).end());
  await listenAndReport(createServer({ keepAliveTimeout: 60_000 }, (req, res) => proxy.web(req, res)));
}

function readPort(child: ChildProcess, re: RegExp, stream: 'stdout' | 'stderr'): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    child[stream]!.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      const m = re.exec(text);
      if (m !== null) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`peer exited (${code}) before listening: ${text}`)));
  });
}

async function startRole(role: string, backend = ''): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [SELF, `--role=${role}`, `--backend=${backend}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { child, port: await readPort(child, /\{"port":(\d+)\}/, 'stdout') };
}

function routes(backend: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 999; i++) {
    lines.push(`r${i}: Host("^h${i}[.]example[.]org$") && Path("/p/${i}/:x") -> setRequestHeader("X-Route", "${i}") -> "${backend}";`);
  }
  lines.push(`target: Host("^bench[.]example[.]org$") && Path("/bench/target") -> setRequestHeader("X-Bench", "1") -> setResponseHeader("X-Served-By", "skipjack") -> "${backend}";`);
  return lines.join('\n');
}

async function startSkipjack(file: string, workers: number, root = ROOT): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['src/cmd/skipjack.ts', `-routes-file=${file}`, '-address=127.0.0.1:0', '-support-listener=127.0.0.1:0',
    `-workers=${workers}`, '-access-log-disabled', '-application-log-level=INFO', ...SKIPJACK_FLAGS], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  return { child, port: await readPort(child, /proxy listening on http:\/\/127\.0\.0\.1:(\d+)/, 'stderr') };
}

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time the peer (all its processes) spent per request, µs: robust against other load on the machine. */
  cpuUs: number;
}

/** utime + stime of a process and its direct children (cluster workers), in clock ticks (Linux). */
function cpuTicks(pid: number): number {
  const ticks = (p: number): number => {
    try {
      // Fields after the parenthesised command name: state is [0], utime [11], stime [12].
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(f[11]) + Number(f[12]);
    } catch {
      return 0;
    }
  };
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // not on Linux: CPU per request is reported as 0
  }
  return ticks(pid) + children.reduce((n, c) => n + ticks(c), 0);
}

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

type LoadGen = 'wrk' | 'autocannon';

/** wrk (C, from Debian's package) when installed: it leaves more CPU to the peers and reports µs latencies. */
function pickLoadGen(wanted: string): LoadGen {
  if (wanted === 'wrk' || wanted === 'autocannon') return wanted;
  return spawnSync('wrk', ['--version']).error === undefined ? 'wrk' : 'autocannon';
}

/** A wrk duration ("812.00us", "1.20ms", "2.00s") in milliseconds. */
function wrkMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v);
  if (m === null) throw new Error(`wrk latency ${JSON.stringify(v)}`);
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function runWrk(port: number, seconds: number, connections: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-H', 'Host: bench.example.org', `http://127.0.0.1:${port}/bench/target`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject).on('exit', (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const p50 = /^\s+50%\s+(\S+)/m.exec(out);
      const p99 = /^\s+99%\s+(\S+)/m.exec(out);
      if (code !== 0 || rps === null || p50 === null || p99 === null) return reject(new Error(`wrk failed (${code}): ${out}`));
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const errors = non2xx + (sock === null ? 0 : sock.slice(1).reduce((n, x) => n + Number(x), 0));
      resolve({ rps: Number(rps[1]), p50: wrkMs(p50[1]!), p99: wrkMs(p99[1]!), errors });
    });
  });
}

async function runAutocannon(port: number, seconds: number, connections: number): Promise<Run> {
  // autocannon ships no types; this is the part of its API the benchmark uses.
  type Out = { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
  const { default: autocannon } = (await import('autocannon' as string)) as { default: (o: object) => Promise<Out> };
  const rate = Number(arg('rate', '0'));
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/bench/target`, connections, headers: { host: 'bench.example.org' }, duration: seconds,
    ...(rate > 0 ? { overallRate: rate } : {}),
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function load(gen: LoadGen, name: string, pid: number, port: number, seconds: number, connections: number): Promise<Result> {
  const run = gen === 'wrk' ? runWrk : runAutocannon;
  await run(port, 2, connections); // warm-up: JIT, connection pools
  const before = cpuTicks(pid);
  const r = await run(port, seconds, connections);
  const cpu = (cpuTicks(pid) - before) * TICK_US;
  const total = r.rps * seconds;
  return { name, rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors, cpuUs: total > 0 ? cpu / total : 0 };
}

function stop(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

async function orchestrate(): Promise<void> {
  const seconds = Number(arg('duration', '8'));
  const connections = Number(arg('connections', '64'));
  const rounds = Number(arg('rounds', '3'));
  const gen = pickLoadGen(arg('loadgen', 'auto'));
  const dir = mkdtempSync(join(tmpdir(), 'skj-bench-'));
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const children: ChildProcess[] = [];
  try {
    const backend = await startRole('backend');
    children.push(backend.child);
    const backendUrl = `http://127.0.0.1:${backend.port}`;
    const file = join(dir, 'routes.eskip');
    writeFileSync(file, routes(backendUrl));

    const all: Result[] = [];
    const run = async (name: string, start: () => Promise<{ child: ChildProcess; port: number }>): Promise<void> => {
      const peer = await start();
      children.push(peer.child);
      all.push(await load(gen, name, peer.child.pid!, peer.port, seconds, connections));
      stop(peer.child);
    };
    const peers = new Set(arg('peers', 'bare,http-proxy,skipjack1,skipjack2').split(','));
    const base = arg('base', '');
    for (let i = 0; i < rounds; i++) {
      if (peers.has('bare')) await run('bare node:http+undici', () => startRole('bare', backendUrl));
      if (peers.has('http-proxy')) await run('node-http-proxy', () => startRole('http-proxy', backendUrl));
      if (peers.has('skipjack1')) await run('skipjack -workers 1', () => startSkipjack(file, 1));
      if (base !== '') await run('skipjack base -workers 1', () => startSkipjack(file, 1, base));
      if (peers.has('skipjack2')) await run('skipjack -workers 2', () => startSkipjack(file, 2));
    }
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const results: Result[] = [...new Set(all.map((r) => r.name))].map((name) => {
      const rs = all.filter((r) => r.name === name);
      return {
        name, rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)),
        errors: rs.reduce((n, r) => n + r.errors, 0), cpuUs: median(rs.map((r) => r.cpuUs)),
      };
    });

    const by = (n: string): Result | undefined => results.find((r) => r.name === n);
    process.stdout.write(`load average before ${loadBefore}, after ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
    process.stdout.write(`proxy benchmark: ${rounds} rounds x ${seconds}s per peer (medians), ${gen}, ${connections} connections, ${availableParallelism()} CPUs, node ${process.version}\n`);
    for (const r of all) process.stdout.write(`  round result ${r.name}: ${r.rps.toFixed(0)} RPS, p99 ${r.p99.toFixed(2)} ms, ${r.cpuUs.toFixed(0)} µs CPU/request\n`);
    process.stdout.write(`${'peer'.padEnd(24)}${'RPS'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'CPU µs/req'.padStart(12)}${'errors'.padStart(8)}\n`);
    for (const r of results) {
      process.stdout.write(`${r.name.padEnd(24)}${r.rps.toFixed(0).padStart(10)}${r.p50.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}${r.cpuUs.toFixed(0).padStart(12)}${String(r.errors).padStart(8)}\n`);
    }
    const bare = by('bare node:http+undici');
    const sj1 = by('skipjack -workers 1');
    const sjBase = by('skipjack base -workers 1');
    const sj2 = by('skipjack -workers 2');
    const hp = by('node-http-proxy');
    if (sj1 !== undefined && bare !== undefined) {
      process.stdout.write(`skipjack/bare RPS      ${(sj1.rps / bare.rps).toFixed(2)}x (target >= 0.90)\n`);
      process.stdout.write(`skipjack/bare p99      ${(sj1.p99 / bare.p99).toFixed(2)}x (target <= 1.20)\n`);
      process.stdout.write(`skipjack/bare CPU/req  ${(sj1.cpuUs / bare.cpuUs).toFixed(2)}x (1/0.90 = 1.11 would meet the RPS target on an idle machine)\n`);
    }
    if (sj1 !== undefined && sjBase !== undefined) {
      process.stdout.write(`skipjack/base CPU/req  ${(sj1.cpuUs / sjBase.cpuUs).toFixed(2)}x (${sj1.cpuUs.toFixed(0)} vs ${sjBase.cpuUs.toFixed(0)} µs), RPS ${(sj1.rps / sjBase.rps).toFixed(2)}x\n`);
      if (bare !== undefined) process.stdout.write(`base/bare CPU/req      ${(sjBase.cpuUs / bare.cpuUs).toFixed(2)}x\n`);
    }
    if (sj1 !== undefined && hp !== undefined) process.stdout.write(`skipjack/http-proxy    ${(sj1.rps / hp.rps).toFixed(2)}x RPS\n`);
    if (sj1 !== undefined && sj2 !== undefined) process.stdout.write(`workers 2 / workers 1  ${(sj2.rps / sj1.rps).toFixed(2)}x RPS (target >= 1.60 with a free core)\n`);
  } finally {
    for (const c of children) stop(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

const role = arg('role', '');
if (role === 'backend') await backendRole();
else if (role === 'bare') await bareRole(arg('backend', ''));
else if (role === 'http-proxy') await httpProxyRole(arg('backend', ''));
else await orchestrate();
