/**
 * Routing benchmark: lookups/s, p50/p99 lookup time, table build time and heap per route for 1k, 10k, 100k
 * and 300k generated routes of Kubernetes-ingress shape (Host + Path/PathSubtree with wildcards, some
 * Method/Header predicates, about 20 routes per hostname sharing one backend service). The named alternative, measured in the same run at 1k and 10k routes, is a
 * linear scan: every route's own predicate matchers (Path included) tried in precedence order.
 *
 * A second section, "update one route in N", times what a route update costs: a full compile of the
 * changed list (the named alternative) against an incremental compile from the previous generation, once
 * with the unchanged definitions as the same objects (what the Kubernetes converter delivers) and once as
 * equal deep copies (what default filters applied per update deliver).
 *
 * A third section does the same with the routes of the Kubernetes benchmark's cluster (15,000 Ingresses and
 * 3,750 RouteGroups, as bench/kube.bench.ts builds it) after each one-Ingress change, converted by the
 * incremental converter the live data client uses.
 *
 * Run: npx node --expose-gc bench/routing.bench.ts [sizes…] [--update=N,…] [--update-only] [--no-kube]
 *   (e.g. `… 1000 10000` for a quick run; update sizes default to 10k, 40k and 100k)
 */
import type { RouteDef } from '../src/eskip/ast.ts';
import type { FilterSpec } from '../src/routing/filter-contract.ts';
import { createIncrementalConverter } from '../src/dataclients/kubernetes/convert/index.ts';
import type { KubeObject } from '../src/dataclients/kubernetes/convert/types.ts';
import { defaultKubeOptions } from '../src/dataclients/kubernetes/options.ts';
import { builtinFilters } from '../src/filters/builtin.ts';
import { createLoadBalancer } from '../src/loadbalancer/index.ts';
import { builtinPredicates } from '../src/predicates/builtin.ts';
import { endpoints, ingress, routeGroup, service } from '../test/support/kube-objects.ts';
import { Registry } from '../src/registry.ts';
import { compileRoutes } from '../src/routing/compile.ts';
import type { PredicateMatcher, RouteTable, RoutingRequest } from '../src/routing/types.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc: npx node --expose-gc bench/routing.bench.ts');

const args = process.argv.slice(2);
const sizes = args.map(Number).filter((n) => n > 0);
const runSizes = args.includes('--update-only') ? [] : sizes.length > 0 ? sizes : [1_000, 10_000, 100_000, 300_000];
const updateArg = args.find((a) => a.startsWith('--update='));
const updateSizes = updateArg !== undefined ? updateArg.slice('--update='.length).split(',').map(Number).filter((n) => n > 0) : [10_000, 40_000, 100_000];
const kubeSection = !args.includes('--no-kube');
const linearSizes = new Set([1_000, 10_000]);
const words = ['users', 'orders', 'items', 'cart', 'search', 'catalog', 'reviews', 'payments', 'profile', 'assets', 'media', 'stock',
  'prices', 'brands', 'wishlist', 'returns', 'shipping', 'tokens', 'events', 'reports'];

/** A deterministic pseudo-random generator (mulberry32), so every run measures the same routes. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated { defs: RouteDef[]; requests: RoutingRequest[] }

/** About 20 routes per hostname, like one Ingress/RouteGroup per application. */
function generate(n: number): Generated {
  const rand = rng(n);
  const pickWord = () => words[Math.floor(rand() * words.length)]!;
  const defs: RouteDef[] = [];
  const requests: RoutingRequest[] = [];
  const hostCount = Math.max(1, Math.floor(n / 20));
  for (let i = 0; i < n; i++) {
    const h = i % hostCount;
    const hostname = `app${h}.team${h % 97}.example.org`;
    const hostRx = `^(${hostname.replaceAll('.', '[.]')}[.]?(:[0-9]+)?)$`;
    const v = `v${1 + (i % 3)}`;
    const w = `${pickWord()}${i % 13}`;
    const kind = Math.floor(i / hostCount) % 6;
    const predicates: RouteDef['predicates'] = [{ name: 'Host', args: [hostRx] }];
    let path: string;
    let method = 'GET';
    const headers: Record<string, string> = {};
    switch (kind) {
      case 0:
        predicates.push({ name: 'PathSubtree', args: ['/'] });
        path = `/${pickWord()}/${pickWord()}`;
        break;
      case 1:
        predicates.push({ name: 'Path', args: [`/api/${v}/${w}/:id`] });
        path = `/api/${v}/${w}/${Math.floor(rand() * 1e6)}`;
        break;
      case 2:
        predicates.push({ name: 'Path', args: [`/api/${v}/${w}`] }, { name: 'Method', args: ['POST'] });
        path = `/api/${v}/${w}`;
        method = 'POST';
        break;
      case 3:
        predicates.push({ name: 'PathSubtree', args: [`/static/${w}`] });
        path = `/static/${w}/img/${Math.floor(rand() * 1000)}.png`;
        break;
      case 4:
        predicates.push({ name: 'Path', args: [`/${w}/:section/*rest`] }, { name: 'Header', args: ['X-Canary', 'true'] });
        path = `/${w}/s${i % 7}/a/b`;
        headers['x-canary'] = 'true';
        break;
      default:
        predicates.push({ name: 'PathSubtree', args: [`/${w}`] }, { name: 'Methods', args: ['GET', 'HEAD'] }, { name: 'Weight', args: [2] });
        path = `/${w}/x`;
    }
    // All routes of one application go to its service: half as a network URL, half load-balanced over pods.
    const ip = `10.${(h >> 8) & 255}.${h & 255}`;
    defs.push(h % 2 === 0
      ? { id: `r${i}`, predicates, filters: [], backendType: 'network', backend: `http://${ip}.1:8080` }
      : { id: `r${i}`, predicates, filters: [], backendType: 'lb', lbAlgorithm: 'roundRobin', lbEndpoints: [{ address: `http://${ip}.2:8080` }, { address: `http://${ip}.3:8080` }] });
    requests.push({ method, host: rand() < 0.5 ? hostname : `${hostname}:443`, path, rawQuery: '', headers, remoteAddress: '10.0.0.1' });
  }
  // One request in ten names a host no route serves.
  for (let i = 0; i < requests.length; i += 10) requests[i] = { ...requests[i]!, host: `unknown${i}.example.org` };
  return { defs, requests };
}

const opts = { predicates: builtinPredicates(), filters: new Registry<FilterSpec>('filter') };

interface Timing { perSec: number; p50: number; p99: number }

/** Times `lookup` over the requests in batches of 16; p50/p99 are of the per-lookup mean of each batch (ns). */
function measure(requests: RoutingRequest[], lookup: (r: RoutingRequest) => unknown, budgetMs: number): Timing {
  const batch = 16;
  const samples: number[] = [];
  let total = 0n;
  let count = 0;
  let sink = 0;
  for (let i = 0; i < Math.min(requests.length, 20_000); i++) if (lookup(requests[i]!) !== null) sink++; // warm-up
  const deadline = process.hrtime.bigint() + BigInt(budgetMs) * 1_000_000n;
  let k = 0;
  while (process.hrtime.bigint() < deadline) {
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < batch; j++) {
      if (lookup(requests[k]!) !== null) sink++;
      if (++k === requests.length) k = 0;
    }
    const dt = process.hrtime.bigint() - t0;
    total += dt;
    count += batch;
    samples.push(Number(dt) / batch);
  }
  samples.sort((a, b) => a - b);
  if (sink < 0) console.log(sink);
  return { perSec: count / (Number(total) / 1e9), p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! };
}

/** The named alternative: every route's own matchers, routes ordered by precedence, first match wins. */
function linearScan(t: RouteTable): (r: RoutingRequest) => string | null {
  const entries = t.routes.map((route) => {
    let weight = 0;
    const matchers: PredicateMatcher[] = [];
    for (const p of route.def.predicates) {
      const spec = opts.predicates.get(p.name)!;
      matchers.push(spec.create(p.args));
      weight += spec.weight?.(p.args) ?? (p.name === 'Path' || p.name === 'PathSubtree' ? 0 : 1);
    }
    return { id: route.id, matchers, weight };
  }).sort((a, b) => b.weight - a.weight);
  return (r) => {
    for (const e of entries) {
      let ok = true;
      for (const m of e.matchers) if (!m.match(r)) { ok = false; break; }
      if (ok) return e.id;
    }
    return null;
  };
}

const us = (ns: number) => (ns / 1000).toFixed(2);
console.log(`node ${process.version}, ${process.arch}; p50/p99 are per-lookup means of 16-lookup batches`);
if (runSizes.length > 0) console.log('routes   | build ms | heap B/route (table) | heap B/route (defs) | lookups/s  | p50 µs | p99 µs | linear-scan lookups/s | tree/linear');
for (const n of runSizes) {
  const g = generate(n);
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  const table = compileRoutes(g.defs, opts);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  gc();
  const tableBytes = (process.memoryUsage().heapUsed - before) / n;
  if (table.invalid.length > 0) throw new Error(`unexpected invalid routes: ${table.invalid[0]!.message}`);
  const defsBytes = estimateDefs(n);
  const tree = measure(g.requests, (r) => table.lookup(r), n >= 100_000 ? 4000 : 2500);
  let alt = '-';
  let ratio = '-';
  if (linearSizes.has(n)) {
    const scan = linearScan(table);
    const l = measure(g.requests, scan, 2500);
    alt = l.perSec.toFixed(0);
    ratio = `${(tree.perSec / l.perSec).toFixed(1)}x`;
  }
  console.log(`${String(n).padEnd(8)} | ${buildMs.toFixed(0).padStart(8)} | ${tableBytes.toFixed(0).padStart(20)} | ${defsBytes.toFixed(0).padStart(19)} | ${tree.perSec.toFixed(0).padStart(10)} | ${us(tree.p50).padStart(6)} | ${us(tree.p99).padStart(6)} | ${alt.padStart(21)} | ${ratio}`);
}

/** Heap of the generated definitions themselves, for scale (they are input, not part of the table). */
function estimateDefs(n: number): number {
  gc!();
  const before = process.memoryUsage().heapUsed;
  const defs = generate(n).defs;
  gc!();
  const bytes = (process.memoryUsage().heapUsed - before) / n;
  if (defs.length !== n) throw new Error('unreachable');
  return bytes;
}

/** One route changed in place: its path gets a new first segment, as an edited Ingress rule would. */
function changeOne(defs: RouteDef[], rand: () => number, round: number): RouteDef[] {
  const out = defs.slice();
  const k = Math.floor(rand() * out.length);
  const d = out[k]!;
  out[k] = { ...d, predicates: d.predicates.map((p) => (p.name === 'Path' || p.name === 'PathSubtree' ? { name: p.name, args: [`/u${round}${String(p.args[0])}`] } : p)) };
  return out;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const ms = (x: number) => x.toFixed(1).padStart(8);
if (updateSizes.length > 0) {
  console.log('\nupdate one route in N (ms, garbage collection included as it comes; incremental: median / max of 30 updates; full: median of 5)');
  console.log('routes   | full compile | incremental, same objects | incremental, equal copies | full / incremental (same objects)');
}
for (const n of updateSizes) {
  const rand = rng(n + 1);
  let defs = generate(n).defs;
  let prev = compileRoutes(defs, opts);
  const full: number[] = [];
  const same: number[] = [];
  const copies: number[] = [];
  for (let round = 0; round < 30; round++) {
    defs = changeOne(defs, rand, round);
    let t0 = process.hrtime.bigint();
    const next = compileRoutes(defs, { ...opts, previous: prev });
    same.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (next.stats.compiled !== 1 || next.stats.tree !== 'patched') throw new Error(`unexpected: ${JSON.stringify(next.stats)}`);
    prev.release();
    prev = next;
    if (round % 6 === 0) {
      t0 = process.hrtime.bigint();
      compileRoutes(defs, opts).release();
      full.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  for (let round = 30; round < 60; round++) {
    defs = changeOne(defs, rand, round);
    const cloned = structuredClone(defs);
    const t0 = process.hrtime.bigint();
    const next = compileRoutes(cloned, { ...opts, previous: prev });
    copies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (next.stats.compiled !== 1) throw new Error(`unexpected: ${JSON.stringify(next.stats)}`);
    prev.release();
    prev = next;
  }
  const f = median(full);
  console.log(`${String(n).padEnd(8)} | ${ms(f).padStart(12)} | ${ms(median(same))} / ${ms(Math.max(...same))}         | ${ms(median(copies))} / ${ms(Math.max(...copies))}         | ${(f / median(same)).toFixed(0)}x`);
}

/** The Kubernetes benchmark's cluster: Services with two-address Endpoints, one Ingress or RouteGroup per host. */
function kubeCluster(nIng: number, nRg: number) {
  const nSvc = Math.ceil((nIng + nRg) / 4);
  const services: KubeObject[] = [];
  const eps: KubeObject[] = [];
  for (let s = 0; s < nSvc; s++) {
    services.push(service(`svc${s}`, `team${s % 50}`));
    eps.push(endpoints(`svc${s}`, [`10.${(s >> 8) & 255}.${s & 255}.1`, `10.${(s >> 8) & 255}.${s & 255}.2`], `team${s % 50}`));
  }
  const ing = (i: number, path: string) => ingress(`ing${i}`, { ns: `team${(i % nSvc) % 50}`, host: `app${i}.example.org`, path, service: `svc${i % nSvc}` });
  const ingresses = Array.from({ length: nIng }, (_, i) => ing(i, '/api'));
  const routeGroups = Array.from({ length: nRg }, (_, r) => routeGroup(`rg${r}`, `rg${r}.example.org`, `svc${(nIng + r) % nSvc}`, `team${((nIng + r) % nSvc) % 50}`));
  return { state: { ingresses, routeGroups, services, endpoints: eps, endpointSlices: [], secrets: [] }, ing };
}

if (kubeSection) {
  const nIng = 15_000;
  const { state, ing } = kubeCluster(nIng, 3_750);
  const kubeOpts = { ...defaultKubeOptions(), provideHealthcheck: true };
  const convert = createIncrementalConverter();
  // As skipjack compiles them: every built-in filter and the real load balancers.
  const copts = { predicates: opts.predicates, filters: builtinFilters(), lbFactory: createLoadBalancer };
  let routes = convert(state, kubeOpts, () => {}).routes;
  let prev = compileRoutes(routes, copts);
  const full: number[] = [];
  const incremental: number[] = [];
  for (let k = 0; k < 40; k++) {
    const i = (k * 7919) % nIng;
    state.ingresses = state.ingresses.slice();
    state.ingresses[i] = ing(i, `/api${k}`);
    routes = convert(state, kubeOpts, () => {}).routes;
    let t0 = process.hrtime.bigint();
    const next = compileRoutes(routes, { ...copts, previous: prev });
    incremental.push(Number(process.hrtime.bigint() - t0) / 1e6);
    prev.release();
    prev = next;
    if (k % 8 === 0) {
      t0 = process.hrtime.bigint();
      compileRoutes(routes, copts).release();
      full.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const f = median(full);
  console.log(`\nKubernetes: one Ingress changed among ${nIng} Ingresses + 3750 RouteGroups (${routes.length} routes, ${prev.invalid.length} invalid), 40 updates`);
  console.log(`full compile median ${f.toFixed(1)} ms | incremental median ${median(incremental).toFixed(1)} ms, max ${Math.max(...incremental).toFixed(1)} ms | ratio ${(f / median(incremental)).toFixed(0)}x`);
}
