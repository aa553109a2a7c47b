/**
 * Kubernetes data client at Skipper's production scale: 15,000 Ingresses and 3,750 RouteGroups (plus their
 * Services and Endpoints) served by the test API server, read by the real client (list + watch) and converted.
 *
 * Every figure is printed side by side with the previous version (named alternative, measured in the same run):
 * the bench checks out `--base-ref` (default f92d3ec, main of 2026-12-07) into a temporary git worktree
 * with node_modules linked, loads its data client next to this one, and starts its skipjack for the served
 * measurements.
 *
 * 1. In process, per version: initial sync, and change → new route list (p50/p99, and the conversion's share).
 * 2. Through a real `skipjack -kubernetes` process, per version and per `-workers` value: new Ingress → first
 *    request served through it (p50/p99).
 * 3. Initial sync of 50,000 Ingresses, per version.
 * 4. This version only: burst of 1,000 changes, route table compile, Skipper's 3 s polling cycle.
 *
 *   npx node --expose-gc bench/kube.bench.ts [ingresses=15000] [routegroups=3750] [changes=100]
 *     [--served-changes=60] [--cpu-changes=20] [--rounds=1] [--settle=0] [--workers=1,2] [--sync-ingresses=50000] [--base-ref=f92d3ec] [--no-base] [--no-served]
 *     [--no-in-process] [--only-sync]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KubeApi, kubeConfigFromOptions } from '../src/dataclients/kubernetes/api.ts';
import { convertClusterState } from '../src/dataclients/kubernetes/convert/index.ts';
import { loadAndConvert } from '../src/dataclients/kubernetes/load.ts';
import { defaultKubeOptions } from '../src/dataclients/kubernetes/options.ts';
import type { createKubernetesSource as CreateSource } from '../src/dataclients/kubernetes/source.ts';
import type { RouteDef } from '../src/eskip/ast.ts';
import { builtinFilters } from '../src/filters/builtin.ts';
import { createLoadBalancer } from '../src/loadbalancer/index.ts';
import { builtinPredicates } from '../src/predicates/builtin.ts';
import { compileRoutes } from '../src/routing/compile.ts';
import { startBackend } from '../test/support/backend.ts';
import { KubeApiServer } from '../test/support/kube-apiserver.ts';
import { startNode } from '../test/support/process.ts';
import { endpoints, ingress, service } from '../test/support/kube-objects.ts';
import { baseWorktree } from './lib/base-worktree.ts';
import { startFlagsOf } from './lib/launch.ts';
import { cluster } from './support/kube-cluster.ts';

const execFileAsync = promisify(execFile);
const flag = (name: string, def: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const served = !process.argv.includes('--no-served');
const SERVED_CHANGES = Number(flag('served-changes', '60'));
const WORKERS = flag('workers', '1,2').split(',').map(Number);
const SYNC_INGRESSES = Number(flag('sync-ingresses', '50000'));
const BASE_REF = process.argv.includes('--no-base') ? '' : flag('base-ref', 'f92d3ec');
const [nIng = 15_000, nRg = 3_750, nChanges = 100] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);

const here = fileURLToPath(new URL('..', import.meta.url));

// Child mode (section 3): one version's initial sync against a running API server, in a fresh process, so that
// neither version inherits the other's grown heap or warmed code. Prints `{"ms":…,"routes":…}`.
const syncChild = flag('sync-child', '');
if (syncChild !== '') {
  const { createKubernetesSource } = await import(pathToFileURL(join(syncChild, 'src/dataclients/kubernetes/source.ts')).href);
  const source = createKubernetesSource({ ...defaultKubeOptions(), url: flag('url', '') }, { log: () => {} });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let routes = 0;
  await source.start((u: { routes: unknown[] }) => (routes = u.routes.length), () => {});
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, routes }));
  await source.stop();
  process.exit(0);
}
const onlySync = process.argv.includes('--only-sync');
const inProcessRuns = !process.argv.includes('--no-in-process');
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = () => sleep(100 + Math.random() * 200);

interface Version {
  label: string;
  root: string;
  createSource: typeof CreateSource;
}

/** The base version in a temporary worktree (removed on exit), or undefined with --no-base. */
async function baseVersion(): Promise<Version | undefined> {
  if (BASE_REF === '') return undefined;
  const dir = baseWorktree(here, BASE_REF, 'skj-kube-base-');
  const mod = await import(pathToFileURL(join(dir, 'src/dataclients/kubernetes/source.ts')).href);
  return { label: `base ${BASE_REF}`, root: dir, createSource: mod.createKubernetesSource };
}

const current: Version = {
  label: 'this version',
  root: here,
  createSource: (await import('../src/dataclients/kubernetes/source.ts')).createKubernetesSource,
};
const base = await baseVersion();
const versions = base ? [current, base] : [current];
const lines: string[] = [];
const say = (l: string) => {
  lines.push(l);
  console.log(l);
};

interface InProcess {
  syncMs: number;
  latencies: number[];
  conv: number[];
  routes: RouteDef[];
  heap: number;
}

/** Starts a version's source against the API server, then changes one Ingress at a time. */
async function inProcess(v: Version, api: KubeApiServer, ings: number, changes: number, tag: string): Promise<InProcess & { source: ReturnType<typeof CreateSource>; push: Pusher }> {
  const services = Math.ceil((ings + nRg) / 4);
  const opts = { ...defaultKubeOptions(), url: api.url };
  const convertMs: number[] = [];
  const push: Pusher = { wanted: undefined, resolve: undefined, routes: [] };
  const source = v.createSource(opts, { log: () => {}, onConverted: (i) => convertMs.push(i.ms) });
  gc();
  const t0 = performance.now();
  await source.start(
    (u) => {
      push.routes = u.routes;
      if (push.wanted?.(u.routes)) push.resolve!(u.routes);
    },
    (e) => console.error('source error:', e.message),
  );
  const syncMs = performance.now() - t0;
  gc();
  const heap = process.memoryUsage().heapUsed;
  const latencies: number[] = [];
  const conv: number[] = [];
  for (let c = 0; c < changes; c++) {
    const i = (c * 7919) % ings;
    const s = i % services;
    const needle = `${tag}${c}_example_org`;
    const seen = waitPush(push, (routes) => routes.some((r) => r.id.includes(needle)));
    const start = performance.now();
    api.apply(ingress(`ing${i}`, { ns: `team${s % 50}`, host: `${tag}${c}.example.org`, path: '/api', service: `svc${s}` }));
    await seen;
    latencies.push(performance.now() - start);
    conv.push(convertMs.at(-1)!);
    await jitter();
  }
  return { syncMs, latencies, conv, routes: push.routes, heap, source, push };
}

interface Pusher {
  wanted: ((routes: RouteDef[]) => boolean) | undefined;
  resolve: ((routes: RouteDef[]) => void) | undefined;
  routes: RouteDef[];
}

function waitPush(p: Pusher, wanted: (routes: RouteDef[]) => boolean): Promise<RouteDef[]> {
  return new Promise((resolve) => {
    p.wanted = wanted;
    p.resolve = resolve;
  });
}

/** GET / with a Host header through the proxy; resolves with the status. */
function status(port: number, host: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent, headers: { host, 'x-forwarded-proto': 'https' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * New Ingress → first 200 through a real skipjack process of a version: 1 + SERVED_CHANGES changes, 100–300 ms
 * apart. The first change after start-up runs the incremental paths cold (JIT) and is reported on its own.
 */
/** CPU time (user + system, ms) of a process and its children (the workers), from /proc. */
function treeCpuMs(pid: number): number {
  const own = (p: number): number => {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return 0;
    }
  };
  let ms = own(pid);
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim() !== '') ms += own(Number(c));
  }
  return ms;
}

/** Changes per CPU measurement (`--cpu-changes`); a major GC in or out of the window moves a 20-change figure by several ms. */
const CPU_CHANGES = Number(flag('cpu-changes', '20'));
/** Served measurements per version and worker count (`--rounds`), alternating the versions. */
const ROUNDS = Number(flag('rounds', '1'));
/**
 * Idle time between "listening" and the first change (`--settle`, ms; default 0). Every process runs V8's
 * memory-reducing major collection once, 8 s or more after its last start-up one and when allocation looks idle
 * (100–340 ms pauses here), so changes measured from the start include it; measured after `--settle=30000` they
 * show the steady state.
 */
const SETTLE_MS = Number(flag('settle', '0'));

/**
 * CPU time of the skipjack processes per change, which the machine's load does not inflate as it does wall
 * time: CPU_CHANGES new Ingresses 150 ms apart, each followed by one request (not a probing loop), then one
 * probe every 25 ms until the last is served; minus the idle rate measured over a window as long just before.
 */
async function cpuPerChange(pid: number, api: KubeApiServer, port: number, agent: Agent, tag: string): Promise<number> {
  // --cpu-changes=0: not measured (the wait below for the last change's route would have no route to wait for).
  if (CPU_CHANGES < 1) return Number.NaN;
  const window = CPU_CHANGES * 150;
  const i0 = treeCpuMs(pid);
  const t0 = performance.now();
  await sleep(window);
  const idleRate = (treeCpuMs(pid) - i0) / (performance.now() - t0);
  const c0 = treeCpuMs(pid);
  const t1 = performance.now();
  let host = '';
  for (let c = 0; c < CPU_CHANGES; c++) {
    host = `${tag}cpu${c}.example.org`;
    api.apply(ingress(`${tag}cpu${c}`, { host, service: 'live' }));
    await sleep(150);
    // One request per change, as traffic would send: the first request on a generation does that generation's
    // request-side work (the endpoint registry's observation).
    await status(port, host, agent);
  }
  while ((await status(port, host, agent)) !== 200) await sleep(25);
  const busy = treeCpuMs(pid) - c0 - idleRate * (performance.now() - t1);
  return busy / CPU_CHANGES;
}

let servedRuns = 0;

async function measureServed(v: Version, api: KubeApiServer, workers: number, backendPort: number): Promise<{ times: number[]; first: number; startMs: number; cpuMs: number }> {
  const s0 = performance.now();
  const proc = await startNode(
    join(v.root, 'src/cmd/skipjack.ts'),
    ['-kubernetes', `-kubernetes-url=${api.url}`, '-address=127.0.0.1:0', '-support-listener=', `-workers=${workers}`, '-access-log-disabled'],
    /proxy listening on https?:\/\/[^:]+:(\d+)/,
    300_000,
    // As the version's own command starts (its shebang's node flags).
    startFlagsOf(v.root),
  );
  // A new connection per request, so that with several workers the requests reach all of them.
  const agent = new Agent({ keepAlive: false });
  const tag = `served-${v === current ? 'cur' : 'base'}-w${workers}-r${servedRuns++}-`;
  try {
    const port = Number(proc.match[1]);
    const startMs = performance.now() - s0;
    await sleep(SETTLE_MS);
    // With several workers a request may reach any of them: wait until a few in a row succeed.
    const times: number[] = [];
    for (let c = 0; c <= SERVED_CHANGES; c++) {
      const host = `${tag}${c}.example.org`;
      const t = performance.now();
      api.apply(ingress(`${tag}${c}`, { host, service: 'live' }));
      let ok = 0;
      while (ok < 2 * workers) {
        if ((await status(port, host, agent)) === 200) ok++;
        else ok = 0;
        if (ok === 0) await new Promise((r) => setImmediate(r));
      }
      times.push(performance.now() - t);
      await jitter();
    }
    void backendPort;
    const cpuMs = await cpuPerChange(proc.child.pid!, api, port, agent, tag);
    return { first: times.shift()!, times, startMs, cpuMs };
  } finally {
    agent.destroy();
    await proc.stop();
  }
}

const f0 = (n: number) => n.toFixed(0);
say(`kube.bench: ${nIng} Ingresses, ${nRg} RouteGroups; versions: ${versions.map((v) => v.label).join(', ')}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);

// 1. In process, per version.
const objects = onlySync ? [] : cluster(nIng, nRg);
const api = await KubeApiServer.start(objects);
api.store.compact();
gc();
const heapBase = process.memoryUsage().heapUsed;
for (const v of onlySync || !inProcessRuns ? [] : versions) {
  const r = await inProcess(v, api, nIng, nChanges, v === current ? 'changed' : 'changedbase');
  say(
    `[${v.label}] initial sync ${f0(r.syncMs)} ms (heap over the API store ${mb(r.heap - heapBase)}); change → new route list (${nChanges} changes): p50 ${f0(pct(r.latencies, 50))} ms, p99 ${f0(pct(r.latencies, 99))} ms; of which conversion p50 ${pct(r.conv, 50).toFixed(1)} ms, p99 ${pct(r.conv, 99).toFixed(1)} ms`,
  );
  if (v === current) await extras(r);
  else await r.source.stop();
  gc();
}

/** 4. This version only: burst, compile, polling (each version's source is stopped before the next runs). */
async function extras(r: Awaited<ReturnType<typeof inProcess>>): Promise<void> {
  const services = Math.ceil((nIng + nRg) / 4);
  const burstSeen = waitPush(r.push, (routes) => routes.some((x) => x.id.includes('burst999_example_org')));
  const b0 = performance.now();
  for (let k = 0; k < 1000; k++) {
    const i = (k * 104729) % nIng;
    const s = i % services;
    api.apply(ingress(`ing${i}`, { ns: `team${s % 50}`, host: `burst${k}.example.org`, path: '/api', service: `svc${s}` }));
  }
  await burstSeen;
  say(`[this version] burst of 1,000 Ingress changes → all in the pushed list: ${f0(performance.now() - b0)} ms`);
  await r.source.stop();
  const lastRoutes = r.push.routes;
  const predicates = builtinPredicates();
  const filters = builtinFilters();
  const full0 = performance.now();
  let previous = compileRoutes(lastRoutes, { predicates, filters, lbFactory: createLoadBalancer, generation: 1 });
  const fullCompileMs = performance.now() - full0;
  const compileMs: number[] = [];
  for (let k = 0; k < 20; k++) {
    const changed = lastRoutes.slice();
    const i = (k * 7919) % changed.length;
    changed[i] = { ...changed[i]!, filters: [...changed[i]!.filters, { name: 'comment', args: [`change ${k}`] }] };
    const c0 = performance.now();
    previous = compileRoutes(changed, { predicates, filters, lbFactory: createLoadBalancer, generation: k + 2, previous });
    compileMs.push(performance.now() - c0);
  }
  say(`[this version] route table compile of the ${lastRoutes.length} routes: full ${f0(fullCompileMs)} ms, incremental (one route changed) p50 ${pct(compileMs, 50).toFixed(1)} ms`);
  const opts = { ...defaultKubeOptions(), url: api.url };
  const pollApi = new KubeApi(kubeConfigFromOptions(opts));
  const pollMs: number[] = [];
  for (let k = 0; k < 2; k++) {
    const p0 = performance.now();
    await loadAndConvert(pollApi, opts, () => {}, convertClusterState);
    pollMs.push(performance.now() - p0);
  }
  say(`[alternative] Skipper's 3 s polling: one re-list + conversion ${f0(Math.min(...pollMs))} ms; mean change latency ≈ 1500 + that`);
}

// 2. Served through skipjack processes.
if (served && !onlySync) {
  const backend = await startBackend('live', '127.0.0.2');
  api.apply(service('live', 'default', 80, backend.port), endpoints('live', ['127.0.0.2'], 'default', backend.port));
  for (const workers of WORKERS) {
    for (const v of Array.from({ length: ROUNDS }, () => versions).flat()) {
      const r = await measureServed(v, api, workers, backend.port);
      say(
        `[${v.label}] -workers=${workers}: change → served (${r.times.length} new Ingresses after a first one): p50 ${f0(pct(r.times, 50))} ms, p99 ${f0(pct(r.times, 99))} ms, max ${f0(Math.max(...r.times))} ms; first change ${f0(r.first)} ms; start → listening ${f0(r.startMs)} ms${SETTLE_MS > 0 ? `, then ${SETTLE_MS} ms idle` : ''}; ${Number.isNaN(r.cpuMs) ? 'CPU per change not measured (--cpu-changes=0)' : `CPU per change (all processes, ${CPU_CHANGES} changes with one request each) ${r.cpuMs.toFixed(1)} ms`}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`,
      );
    }
  }
  await backend.close();
}
await api.stop();

// 3. Initial sync at SYNC_INGRESSES.
if (SYNC_INGRESSES > 0) {
  gc();
  const big = await KubeApiServer.start(cluster(SYNC_INGRESSES, 0));
  big.store.compact();
  // Each version in its own fresh process, alternating, twice.
  for (const round of [1, 2]) {
    for (const v of round === 1 ? versions : [...versions].reverse()) {
      // Asynchronous: the API server answering the child runs in this process.
      const { stdout: out } = await execFileAsync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), `--sync-child=${v.root}`, `--url=${big.url}`], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; cpuMs: number; routes: number };
      say(`[${v.label}] initial sync of ${SYNC_INGRESSES} Ingresses (${r.routes} routes), fresh process, round ${round}: ${f0(r.ms)} ms (target ≤ 10,000 ms), CPU ${f0(r.cpuMs)} ms (client process, all threads); load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    }
  }
  await big.stop();
}
say(`load average at the end ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
process.exit(0);
