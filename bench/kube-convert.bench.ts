/**
 * The Kubernetes conversion alone (no API server, no watch): a 15,000-Ingress / 3,750-RouteGroup state converted
 * by the incremental converter of this version and of `--base-ref` (default f92d3ec, main of 2026-12-07;
 * checked out into a temporary git worktree with node_modules linked, imported into this process), then one
 * Ingress changed at a time, one Endpoints object changed at a time and one new Ingress at a time (with the record
 * of the change the reflector keeps, which only this version reads). Prints p50/p99 per version side by side,
 * with this version's conversion counts per change.
 *
 *   npx node --expose-gc bench/kube-convert.bench.ts [ingresses=15000] [changes=100] [--base-ref=f92d3ec] [--no-base]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createIncrementalConverter } from '../src/dataclients/kubernetes/convert/index.ts';
import { recordCollectionChange } from '../src/dataclients/kubernetes/convert/collection-diff.ts';
import type { ClusterState, KubeObject } from '../src/dataclients/kubernetes/convert/types.ts';
import { defaultKubeOptions } from '../src/dataclients/kubernetes/options.ts';
import { endpoints, ingress, routeGroup, service } from '../test/support/kube-objects.ts';
import { baseWorktree } from './lib/base-worktree.ts';

const flag = (name: string, def: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const BASE_REF = process.argv.includes('--no-base') ? '' : flag('base-ref', 'f92d3ec');
const [nIng = 15_000, nChanges = 100] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const nRg = Math.round(nIng / 4);
const SERVICES = Math.ceil((nIng + nRg) / 4);
const here = fileURLToPath(new URL('..', import.meta.url));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

type Factory = typeof createIncrementalConverter;

async function baseFactory(): Promise<Factory | undefined> {
  if (BASE_REF === '') return undefined;
  const dir = baseWorktree(here, BASE_REF, 'skj-kube-base-');
  return (await import(pathToFileURL(join(dir, 'src/dataclients/kubernetes/convert/index.ts')).href)).createIncrementalConverter;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
const sorted = (a: KubeObject[]) => a.sort((x, y) => (keyOf(x) < keyOf(y) ? -1 : keyOf(x) > keyOf(y) ? 1 : 0));

function initialState(): ClusterState {
  const services: KubeObject[] = [];
  const eps: KubeObject[] = [];
  const ings: KubeObject[] = [];
  const rgs: KubeObject[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const ns = `team${s % 50}`;
    services.push(service(`svc${s}`, ns));
    eps.push(endpoints(`svc${s}`, [`10.${(s >> 8) & 255}.${s & 255}.1`, `10.${(s >> 8) & 255}.${s & 255}.2`], ns));
  }
  for (let i = 0; i < nIng; i++) {
    const s = i % SERVICES;
    ings.push(ingress(`ing${i}`, { ns: `team${s % 50}`, host: `app${i}.example.org`, path: '/api', service: `svc${s}` }));
  }
  for (let r = 0; r < nRg; r++) {
    const s = (nIng + r) % SERVICES;
    rgs.push(routeGroup(`rg${r}`, `rg${r}.example.org`, `svc${s}`, `team${s % 50}`));
  }
  return { ingresses: sorted(ings), routeGroups: sorted(rgs), services: sorted(services), endpoints: sorted(eps), endpointSlices: [], secrets: [] };
}

function run(label: string, factory: Factory): void {
  gc();
  const convert = factory();
  const opts = defaultKubeOptions();
  let state = initialState();
  let t = performance.now();
  const n = convert(state, opts, () => {}).routes.length;
  const first = performance.now() - t;
  const ing: number[] = [];
  const ep: number[] = [];
  const stats = convert.stats;
  const conv0 = stats ? stats.ingressConversions + stats.routeGroupConversions : 0;
  // CPU time of the process (all threads, GC included) over the conversions: unlike wall time, the machine's
  // load barely changes it.
  let cpuUs = 0;
  const cpuBy = { ing: 0, ep: 0, add: 0 };
  const timed = (st: ClusterState, kind: keyof typeof cpuBy = 'ing'): number => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    convert(st, opts, () => {});
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuUs += c.user + c.system;
    cpuBy[kind] += c.user + c.system;
    return ms;
  };
  const add: number[] = [];
  for (let c = 0; c < nChanges; c++) {
    // One Ingress replaced (the watch layer's copy-on-write: a new array, the other objects shared).
    const i = (c * 7919) % nIng;
    const s = i % SERVICES;
    const ingresses = state.ingresses.slice();
    const at = ingresses.findIndex((o) => o.metadata.name === `ing${i}` && o.metadata.namespace === `team${s % 50}`);
    ingresses[at] = ingress(`ing${i}`, { ns: `team${s % 50}`, host: `changed${c}.example.org`, path: '/api', service: `svc${s}` });
    // And the record of it the reflector keeps (this version reads it; the base scans).
    recordCollectionChange(ingresses, { from: state.ingresses, added: [ingresses[at]!], removed: [state.ingresses[at]!] });
    state = { ...state, ingresses };
    ing.push(timed(state));
    // One Endpoints object replaced: its service has 4 Ingresses or RouteGroups.
    const e = (c * 31) % SERVICES;
    const eps = state.endpoints.slice();
    const at2 = eps.findIndex((o) => o.metadata.name === `svc${e}` && o.metadata.namespace === `team${e % 50}`);
    eps[at2] = endpoints(`svc${e}`, [`10.9.9.${c % 250}`], `team${e % 50}`);
    recordCollectionChange(eps, { from: state.endpoints, added: [eps[at2]!], removed: [state.endpoints[at2]!] });
    state = { ...state, endpoints: eps };
    ep.push(timed(state, 'ep'));
    // A new Ingress with a new host (the served bench's change): inserted in key order.
    const fresh = ingress(`new${label.length}-${c}`, { ns: `team${c % 50}`, host: `new${c}.example.org`, path: '/api', service: `svc${c % SERVICES}` });
    const k = keyOf(fresh);
    let lo = 0;
    let hi = state.ingresses.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyOf(state.ingresses[mid]!) < k) lo = mid + 1;
      else hi = mid;
    }
    const withNew = state.ingresses.toSpliced(lo, 0, fresh);
    recordCollectionChange(withNew, { from: state.ingresses, added: [fresh], removed: [] });
    state = { ...state, ingresses: withNew };
    add.push(timed(state, 'add'));
  }
  const per = stats ? ` (${((stats.ingressConversions + stats.routeGroupConversions - conv0) / (3 * nChanges)).toFixed(1)} objects converted per change)` : '';
  const cpu = (k: keyof typeof cpuBy) => (cpuBy[k] / 1000 / nChanges).toFixed(2);
  console.log(
    `[${label}] ${n} routes; first conversion ${first.toFixed(0)} ms; Ingress change p50 ${pct(ing, 50).toFixed(1)} ms, p99 ${pct(ing, 99).toFixed(1)} ms; Endpoints change p50 ${pct(ep, 50).toFixed(1)} ms, p99 ${pct(ep, 99).toFixed(1)} ms; new Ingress p50 ${pct(add, 50).toFixed(1)} ms, p99 ${pct(add, 99).toFixed(1)} ms${per}; CPU per change ${(cpuUs / 1000 / (3 * nChanges)).toFixed(2)} ms (Ingress changed ${cpu('ing')}, Endpoints ${cpu('ep')}, new Ingress ${cpu('add')})`,
  );
}

console.log(`kube-convert.bench: ${nIng} Ingresses, ${nRg} RouteGroups, ${SERVICES} Services + Endpoints, ${nChanges} changes of each kind; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const base = await baseFactory();
run('this version', createIncrementalConverter);
if (base) run(`base ${BASE_REF}`, base);
run('this version, again', createIncrementalConverter);
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
process.exit(0);
