/**
 * Route lookup time at a million routes by request kind, for one or more source trees in one process: the
 * routes file is parsed once (by the first tree's parser) and each tree compiles the same definitions. Every
 * round, in alternating tree order: the mixed sample of million-load.ts (200k requests, one in ten naming an
 * unknown host) timed as million-load.ts times it (per-lookup means of 16-lookup batches), then each lookup
 * of that sample timed alone, grouped by kind, so the kinds are seen in the cache state of the mix. Prints
 * one JSON line per tree and kind (medians over rounds; for kinds, `cpuNs` is the mean single lookup).
 *
 * Kinds: the route mix of million-routes.ts (0 PathSubtree("/"), 1 Path with :id, 2 Path && Method,
 * 3 PathSubtree && HeaderRegexp, 4 Path with *rest && Header, 5 PathSubtree && PathRegexp), each for a known
 * host ("kN") and an unknown one ("uN").
 *
 * Run: node --expose-gc --max-old-space-size=8192 bench/support/lookup-kinds.ts <routes file> <n> <rounds> <tree>…
 *   LOOKUP_MS=half the ms of each round's batch measurement (default 150).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { request } from './million-routes.ts';
import type { RoutingRequest } from '../../src/routing/types.ts';

const [file, nArg, roundsArg, ...trees] = process.argv.slice(2);
const n = Number(nArg);
const rounds = Number(roundsArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined || file === undefined || !(n > 0) || !(rounds > 0) || trees.length === 0) {
  throw new Error('usage: node --expose-gc lookup-kinds.ts <file> <n> <rounds> <tree>…');
}
const sliceMs = Number(process.env['LOOKUP_MS'] ?? 150);

interface Table { routes: unknown[]; invalid: { message: string }[]; lookup(r: RoutingRequest): { route: { id: string } } | null }
interface Tree { root: string; table: Table }

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const load = (root: string, p: string) => import(pathToFileURL(`${root}/${p}`).href);
const eskip = await load(trees[0]!, 'src/eskip/index.ts');
let text: string | null = readFileSync(file, 'utf8');
const parsed = eskip.parseDocument(text, { file }) as { routes: unknown[]; errors: unknown[] };
text = null;
if (parsed.errors.length > 0) throw new Error(`parse errors: ${String(parsed.errors[0])}`);
const loaded: Tree[] = [];
for (const root of trees) {
  const { compileRoutes } = await load(root, 'src/routing/compile.ts');
  const { builtinFilters } = await load(root, 'src/filters/builtin.ts');
  const { builtinPredicates } = await load(root, 'src/predicates/builtin.ts');
  const { createLoadBalancer } = await load(root, 'src/loadbalancer/index.ts');
  const c0 = cpuMs();
  const table = compileRoutes(parsed.routes, { predicates: builtinPredicates(), filters: builtinFilters(), lbFactory: createLoadBalancer }) as Table;
  if (table.invalid.length > 0) throw new Error(`invalid routes: ${table.invalid[0]!.message}`);
  console.error(`${root}: compiled ${table.routes.length} routes in ${Math.round(cpuMs() - c0)} ms CPU`);
  loaded.push({ root, table });
}
parsed.routes.length = 0;
gc();

// The kind of route i of n, as million-routes.ts assigns it; "u" when the request names an unknown host.
const kindOf = (i: number) => `${i % 10 === 0 ? 'u' : 'k'}${Math.floor(i / Math.max(1, Math.floor(n / 20))) % 6}`;
const mix = Array.from({ length: Math.min(n, 200_000) }, (_, i) => request((i * 7919) % n, n));
const kinds = mix.map((_, i) => kindOf((i * 7919) % n));
const names = [...new Set(kinds)].sort();

// Every tree gives every request the same route.
for (const r of mix) {
  const ids = loaded.map((t) => t.table.lookup(r)?.route.id ?? null);
  if (ids.some((id) => id !== ids[0])) throw new Error(`trees disagree on ${JSON.stringify(r)}: ${ids.join(' ')}`);
}

/** The mixed sample as million-load.ts measures it: per-lookup means of 16-lookup batches. */
function batches(t: Tree, ms: number): { p50: number; p99: number; cpuNs: number } {
  const samples: number[] = [];
  let k = 0;
  let count = 0;
  const c0 = cpuMs();
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < 16; j++) {
      t.table.lookup(mix[k]!);
      if (++k === mix.length) k = 0;
    }
    samples.push(Number(process.hrtime.bigint() - t0) / 16);
    count += 16;
  }
  const cpu = cpuMs() - c0;
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]!, cpuNs: (cpu * 1e6) / count };
}

/** Each lookup of the mixed sample timed alone (the timer's own cost included), by kind: median and p99. */
function single(t: Tree): Map<string, { p50: number; p99: number; mean: number }> {
  const times = new Map<string, number[]>(names.map((k) => [k, []]));
  for (let i = 0; i < mix.length; i++) {
    const t0 = performance.now();
    t.table.lookup(mix[i]!);
    times.get(kinds[i]!)!.push((performance.now() - t0) * 1e6);
  }
  const out = new Map<string, { p50: number; p99: number; mean: number }>();
  for (const [k, xs] of times) {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    xs.sort((a, b) => a - b);
    out.set(k, { p50: xs[Math.floor(xs.length / 2)]!, p99: xs[Math.floor(xs.length * 0.99)]!, mean });
  }
  return out;
}

const results = new Map<string, { p50: number[]; p99: number[]; cpuNs: number[] }>();
const push = (key: string, p50: number, p99: number, cpuNs: number) => {
  let r = results.get(key);
  if (r === undefined) results.set(key, (r = { p50: [], p99: [], cpuNs: [] }));
  r.p50.push(p50);
  r.p99.push(p99);
  r.cpuNs.push(cpuNs);
};
const loads: number[] = [];
for (let round = 0; round < rounds; round++) {
  loads.push(loadavg()[0]!);
  const order = round % 2 === 0 ? loaded : [...loaded].reverse();
  for (const t of order) {
    const m = batches(t, 2 * sliceMs);
    push(`${t.root}\tmix`, m.p50, m.p99, m.cpuNs);
  }
  for (const t of order) {
    for (const [k, m] of single(t)) push(`${t.root}\t${k}`, m.p50, m.p99, m.mean);
  }
}
names.push('mix');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => Math.min(...xs);
for (const name of names) {
  for (const t of loaded) {
    const r = results.get(`${t.root}\t${name}`)!;
    console.log(JSON.stringify({ tree: t.root, kind: name, requests: name === 'mix' ? mix.length : kinds.filter((k) => k === name).length, p50Ns: Math.round(median(r.p50)), p99Ns: Math.round(median(r.p99)),
      bestP99Ns: Math.round(min(r.p99)), cpuNs: Math.round(median(r.cpuNs)) }));
  }
}
console.log(JSON.stringify({ load: loads.map((l) => l.toFixed(2)), end: loadavg()[0]!.toFixed(2) }));
