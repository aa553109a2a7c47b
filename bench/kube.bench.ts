/**
 * Kubernetes data client at Skipper's production scale: 15,000 Ingresses and 3,750 RouteGroups (plus their
 * Services and Endpoints) served by the test API server, read by the real client (list + watch) and converted.
 * Prints the initial sync time, memory, and the p50/p99 time from an object change to the new route list,
 * against the named alternative: Skipper's 3 s polling (full re-list + conversion every cycle).
 *
 * Then, unless --no-served, a real `skipjack -kubernetes` process watches the same API server and the time
 * from a new Ingress to the first request served through it is measured (route list + table compile + swap).
 *
 *   npx node --expose-gc bench/kube.bench.ts [ingresses=15000] [routegroups=3750] [changes=100] [--no-served]
 */
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { KubeApi, kubeConfigFromOptions } from '../src/dataclients/kubernetes/api.ts';
import { convertClusterState } from '../src/dataclients/kubernetes/convert/index.ts';
import type { KubeObject } from '../src/dataclients/kubernetes/convert/types.ts';
import { loadAndConvert } from '../src/dataclients/kubernetes/load.ts';
import { defaultKubeOptions } from '../src/dataclients/kubernetes/options.ts';
import { createKubernetesSource } from '../src/dataclients/kubernetes/source.ts';
import type { RouteDef } from '../src/eskip/ast.ts';
import { builtinFilters } from '../src/filters/builtin.ts';
import { createLoadBalancer } from '../src/loadbalancer/index.ts';
import { builtinPredicates } from '../src/predicates/builtin.ts';
import { compileRoutes } from '../src/routing/compile.ts';
import { startBackend } from '../test/support/backend.ts';
import { KubeApiServer } from '../test/support/kube-apiserver.ts';
import { startNode } from '../test/support/process.ts';
import { endpoints, ingress, routeGroup, service } from '../test/support/kube-objects.ts';

const served = !process.argv.includes('--no-served');
/** Changes measured through the skipjack process, after the first one. */
const SERVED_CHANGES = 50;
const [nIng = 15_000, nRg = 3_750, nChanges = 100] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const SERVICES = Math.ceil((nIng + nRg) / 4);

function cluster(): KubeObject[] {
  const out: KubeObject[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const ns = `team${s % 50}`;
    out.push(service(`svc${s}`, ns), endpoints(`svc${s}`, [`10.${(s >> 8) & 255}.${s & 255}.1`, `10.${(s >> 8) & 255}.${s & 255}.2`], ns));
  }
  for (let i = 0; i < nIng; i++) {
    const s = i % SERVICES;
    out.push(ingress(`ing${i}`, { ns: `team${s % 50}`, host: `app${i}.example.org`, path: '/api', service: `svc${s}` }));
  }
  for (let r = 0; r < nRg; r++) {
    const s = (nIng + r) % SERVICES;
    out.push(routeGroup(`rg${r}`, `rg${r}.example.org`, `svc${s}`, `team${s % 50}`));
  }
  return out;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const objects = cluster();
const api = await KubeApiServer.start(objects);
api.store.compact();
gc();
const heapBase = process.memoryUsage().heapUsed;

const opts = { ...defaultKubeOptions(), url: api.url };
let resolveWanted: ((routes: RouteDef[]) => void) | undefined;
let wanted: ((routes: RouteDef[]) => boolean) | undefined;
const convertMs: number[] = [];
const source = createKubernetesSource(opts, {
  log: () => {},
  onConverted: (i) => convertMs.push(i.ms),
});

const t0 = performance.now();
let routeCount = 0;
let lastRoutes: RouteDef[] = [];
await source.start(
  (u) => {
    routeCount = u.routes.length;
    lastRoutes = u.routes;
    if (wanted?.(u.routes)) resolveWanted!(u.routes);
  },
  (e) => console.error('source error:', e.message),
);
const syncMs = performance.now() - t0;
gc();
const mem = process.memoryUsage();

// Change → new route list: modify one Ingress's host and wait for the pushed list that contains it. Changes
// are 100–300 ms apart (a busy cluster, not a flood: floods are coalesced, see the burst below).
const latencies: number[] = [];
const convOfChange: number[] = [];
for (let c = 0; c < nChanges; c++) {
  const i = (c * 7919) % nIng;
  const s = i % SERVICES;
  const host = `changed${c}.example.org`;
  const needle = `changed${c}_example_org`;
  const seen = new Promise<RouteDef[]>((resolve) => {
    resolveWanted = resolve;
    wanted = (routes) => routes.some((r) => r.id.includes(needle));
  });
  const start = performance.now();
  api.apply(ingress(`ing${i}`, { ns: `team${s % 50}`, host, path: '/api', service: `svc${s}` }));
  await seen;
  latencies.push(performance.now() - start);
  convOfChange.push(convertMs.at(-1)!);
  await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
}

// A burst: 1,000 Ingresses changed at once, until the last change is in a pushed list.
const burstConversions = convertMs.length;
const burstSeen = new Promise<RouteDef[]>((resolve) => {
  resolveWanted = resolve;
  wanted = (routes) => routes.some((r) => r.id.includes('burst999_example_org'));
});
const b0 = performance.now();
for (let k = 0; k < 1000; k++) {
  const i = (k * 104729) % nIng;
  const s = i % SERVICES;
  api.apply(ingress(`ing${i}`, { ns: `team${s % 50}`, host: `burst${k}.example.org`, path: '/api', service: `svc${s}` }));
}
await burstSeen;
const burstMs = performance.now() - b0;
const burstConv = convertMs.length - burstConversions;
wanted = undefined;

// The alternative: one polling cycle of Skipper's client, a full re-list and conversion.
const pollMs: number[] = [];
const pollApi = new KubeApi(kubeConfigFromOptions(opts));
for (let k = 0; k < 3; k++) {
  const p0 = performance.now();
  await loadAndConvert(pollApi, opts, () => {}, convertClusterState);
  pollMs.push(performance.now() - p0);
}
const pollCycle = Math.min(...pollMs);

// Serving a new list means compiling the route table from it (what skipjack does on every update).
const predicates = builtinPredicates();
const filters = builtinFilters();
// skipjack compiles incrementally against the previous table, so time one full build, then updates that each
// change one route (a comment filter added), as an Ingress change does.
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

await source.stop();
const servedLine = served ? await measureServed() : 'change → served: skipped (--no-served)';
await api.stop();

const p50 = pct(latencies, 50);
const p99 = pct(latencies, 99);
console.log(`kube.bench: ${nIng} Ingresses, ${nRg} RouteGroups, ${SERVICES} Services + Endpoints (${objects.length} objects)`);
console.log(`routes: ${routeCount}`);
console.log(`initial sync (list + convert + first push): ${syncMs.toFixed(0)} ms`);
console.log(`memory after sync: heap ${mb(mem.heapUsed)} (client + conversion ≈ ${mb(mem.heapUsed - heapBase)} over the API server's store), rss ${mb(mem.rss)}`);
console.log(`conversion of the full state: p50 ${pct(convertMs, 50).toFixed(0)} ms, max ${Math.max(...convertMs).toFixed(0)} ms`);
console.log(`change → new route list (${nChanges} changes): p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (target p99 ≤ 250 ms)`);
console.log(`  of which conversion: p50 ${pct(convOfChange, 50).toFixed(0)} ms, p99 ${pct(convOfChange, 99).toFixed(0)} ms; the rest (API server write, watch stream, state snapshot, push) p50 ${pct(latencies.map((l, i) => l - convOfChange[i]!), 50).toFixed(0)} ms`);
console.log(`route table compile of the new list (to be served): full ${fullCompileMs.toFixed(0)} ms, incremental (one route changed) p50 ${pct(compileMs, 50).toFixed(1)} ms → change to served ≈ p50 ${(p50 + pct(compileMs, 50)).toFixed(0)} ms, p99 ≈ ${(p99 + pct(compileMs, 50)).toFixed(0)} ms`);
console.log(`burst of 1,000 Ingress changes → all in the pushed list: ${burstMs.toFixed(0)} ms, ${burstConv} conversions`);
console.log(`alternative, Skipper's 3 s polling: one re-list + conversion cycle ${pollCycle.toFixed(0)} ms; mean change latency ≈ 1500 + ${pollCycle.toFixed(0)} ms, worst ≈ ${(3000 + pollCycle).toFixed(0)} ms`);
console.log(servedLine);
console.log(`ratio (polling mean / watch p50): ${((1500 + pollCycle) / p50).toFixed(1)}x`);

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
 * New Ingress → first 200 through a real skipjack process: 1 + SERVED_CHANGES changes, 100–300 ms apart. The first
 * change after start-up runs the incremental conversion and compile paths cold (JIT); it is reported on its own,
 * the percentiles are over the changes after it.
 */
async function measureServed(): Promise<string> {
  const backend = await startBackend('live', '127.0.0.2');
  api.apply(service('live', 'default', 80, backend.port), endpoints('live', ['127.0.0.2'], 'default', backend.port));
  const skipjack = fileURLToPath(new URL('../src/cmd/skipjack.ts', import.meta.url));
  const s0 = performance.now();
  const proc = await startNode(
    skipjack,
    ['-kubernetes', `-kubernetes-url=${api.url}`, '-address=127.0.0.1:0', '-support-listener=', '-workers=1', '-access-log-disabled'],
    /proxy listening on https?:\/\/[^:]+:(\d+)/,
    300_000,
  );
  const agent = new Agent({ keepAlive: true });
  try {
    const port = Number(proc.match[1]);
    const startMs = performance.now() - s0;
    const times: number[] = [];
    for (let c = 0; c <= SERVED_CHANGES; c++) {
      const host = `served${c}.example.org`;
      const t = performance.now();
      api.apply(ingress(`served${c}`, { host, service: 'live' }));
      while ((await status(port, host, agent)) !== 200) await new Promise((r) => setImmediate(r));
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
    const first = times.shift()!;
    return `change → served by a skipjack process (${times.length} new Ingresses after a first one): p50 ${pct(times, 50).toFixed(0)} ms, p99 ${pct(times, 99).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms; the first change after start-up ${first.toFixed(0)} ms; process start to listening with all routes ${startMs.toFixed(0)} ms`;
  } finally {
    agent.destroy();
    await proc.stop();
    await backend.close();
  }
}
