/**
 * RouteGroup conformance harness: runs every fixture set of the given directories (Skipper's layout,
 * see ../shared/conformance/README.md) through the conversion and compares routes (`.eskip`) and logs
 * (`.log`). Prints one line per set and a summary. Uses convertClusterState when index.ts provides it,
 * or with --rg-only the RouteGroup conversion alone (sets with Ingresses then fail on the Ingress routes).
 *
 *   npx node test/dataclients/kubernetes/convert/rg-harness.ts DIR… [-v] [--rg-only]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteDef } from '../../../../src/eskip/ast.ts';
import { diffLists, parse } from '../../../../src/eskip/index.ts';
import * as convert from '../../../../src/dataclients/kubernetes/convert/index.ts';
import { createSharedContext } from '../../../../src/dataclients/kubernetes/convert/context.ts';
import { globalRedirectRoute } from '../../../../src/dataclients/kubernetes/convert/https-redirect.ts';
import { convertRouteGroups } from '../../../../src/dataclients/kubernetes/convert/routegroup.ts';
import type { ClusterState, KubeLogEntry, KubeObject } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { loadManifests, parseYaml11, type YamlPath } from '../../../../src/dataclients/kubernetes/manifests.ts';
import { defaultKubeOptions, type KubeOptions } from '../../../../src/dataclients/kubernetes/options.ts';

interface FixtureSet {
  dir: string;
  name: string;
  files: Map<string, string>;
}

/** Skipper's FixturesToTest grouping: sorted by name without extension, a set is `N` plus `N.*`. */
function fixtureSets(dir: string): FixtureSet[] {
  const stripExt = (n: string) => (n.lastIndexOf('.') > 0 ? n.slice(0, n.lastIndexOf('.')) : n);
  const entries = readdirSync(dir).sort((a, b) => (stripExt(a) < stripExt(b) ? -1 : stripExt(a) > stripExt(b) ? 1 : 0));
  const sets: FixtureSet[] = [];
  let cur: FixtureSet | undefined;
  for (const e of entries) {
    if (cur !== undefined && e.startsWith(`${cur.name}.`)) {
      cur.files.set(e.slice(cur.name.length + 1), join(dir, e));
      continue;
    }
    const name = stripExt(e);
    cur = { dir, name, files: new Map() };
    if (e !== name) cur.files.set(e.slice(name.length + 1), join(dir, e));
    sets.push(cur);
  }
  return sets;
}

/** `.kube` scalars that Go decodes into strings keep their text (`name: True`). */
const kubeStrings = (p: YamlPath): boolean => {
  const last = p[p.length - 1];
  return last === 'name' || last === 'key' || last === 'value' || p[0] === 'eastWestRangeDomains' || p[0] === 'allowedExternalNames';
};

function kubeOptions(text: string): KubeOptions {
  const o = defaultKubeOptions();
  const doc = (parseYaml11(text, '.kube', kubeStrings)[0] ?? {}) as Record<string, any>;
  const preds = (l: any[] | undefined) => (l ?? []).map((p) => ({ name: String(p.name), args: p.args ?? [] }));
  const map: Record<string, (v: any) => void> = {
    'enable-kubernetes-endpointslices': (v) => (o.enableEndpointSlices = v === true),
    eastWestRangeDomains: (v) => (o.eastWestRangeDomains = v ?? []),
    'backend-traffic-algorithm': (v) => (o.backendTrafficAlgorithm = v),
    eastWestRangePredicatesAppend: (v) => (o.eastWestRangePredicates = preds(v)),
    httpsRedirect: (v) => (o.provideHTTPSRedirect = v === true),
    eastWest: (v) => (o.enableEastWest = v === true),
    'kubernetes-enable-tls': (v) => (o.enableTLS = v === true),
    'topology-zone': (v) => (o.topologyZone = String(v)),
    kubernetesAnnotationPredicates: (v) => (o.annotationPredicates = (v ?? []).map((x: any) => ({ key: x.key, value: x.value, predicates: preds(x.predicates) }))),
    kubernetesEastWestRangeAnnotationPredicates: (v) =>
      (o.eastWestRangeAnnotationPredicates = (v ?? []).map((x: any) => ({ key: x.key, value: x.value, predicates: preds(x.predicates) }))),
    kubernetesAnnotationFiltersAppend: (v) => (o.annotationFiltersAppend = (v ?? []).map((x: any) => ({ key: x.key, value: x.value, filters: preds(x.filters) }))),
    kubernetesEastWestRangeAnnotationFiltersAppend: (v) =>
      (o.eastWestRangeAnnotationFiltersAppend = (v ?? []).map((x: any) => ({ key: x.key, value: x.value, filters: preds(x.filters) }))),
    onlyAllowedExternalNames: (v) => (o.onlyAllowedExternalNames = v === true),
    enableExternalNames: (v) => (o.enableExternalNames = v === true),
    'forward-backend-url': (v) => (o.forwardBackendURL = String(v)),
    allowedExternalNames: (v) => (o.allowedExternalNames = v ?? []),
    httpsRedirectCode: (v) => (o.httpsRedirectCode = Number(v)),
    'default-lb-algorithm': (v) => (o.defaultLoadBalancerAlgorithm = String(v)),
    'kubernetes-application-annotation-label': (v) => (o.applicationAnnotationLabelKey = String(v)),
    backendNameTracingTag: (v) => (o.backendNameTracingTag = v === true),
    disableCatchAllRoutes: (v) => (o.disableCatchAllRoutes = v === true),
    eastWestDomain: (v) => (o.eastWestDomain = String(v)),
  };
  for (const [k, v] of Object.entries(doc)) map[k]?.(v);
  // Options New() fills in (normalizeOptions covers the rest).
  if (!o.onlyAllowedExternalNames) o.allowedExternalNames = ['.*'];
  return o;
}

function clusterState(objects: KubeObject[]): ClusterState {
  const of = (k: string) => objects.filter((o) => o.kind === k);
  return {
    ingresses: of('Ingress'),
    routeGroups: of('RouteGroup'),
    services: of('Service'),
    endpoints: of('Endpoints'),
    endpointSlices: of('EndpointSlice'),
    secrets: of('Secret'),
  };
}

/** logrus TextFormatter, roughly: quoted msg, then fields sorted by key. */
function logLine(e: KubeLogEntry): string {
  const fields = [e.kind !== undefined ? `kind=${e.kind}` : '', e.name !== undefined ? `name=${e.name}` : '', e.ns !== undefined ? `ns=${e.ns}` : ''];
  return [`level=${e.level === 'warn' ? 'warning' : e.level}`, `msg=${JSON.stringify(e.msg)}`, ...fields].filter((x) => x !== '').join(' ');
}

/** Go RE2 → JS: a `]` right after `[` or `[^` is literal in Go, an empty class in JS. */
function goRegExp(src: string): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (!inClass && c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else {
      if (inClass && c === ']') inClass = false;
      out += c;
    }
  }
  return new RegExp(out);
}

function dedupe(routes: RouteDef[]): RouteDef[] {
  const seen = new Set<string>();
  return routes.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

function runSet(set: FixtureSet, verbose: boolean, rgOnly: boolean): string | null {
  const yaml = set.files.get('yaml');
  if (set.files.has('error') || set.files.has('api')) return 'SKIP: API failure injection (client path)';
  const objects = yaml !== undefined ? loadManifests(readFileSync(yaml, 'utf8'), yaml) : [];
  const opts = set.files.has('kube') ? kubeOptions(readFileSync(set.files.get('kube')!, 'utf8')) : defaultKubeOptions();
  if (!set.files.has('kube')) opts.allowedExternalNames = ['.*'];
  const df = set.files.get('default-filters');
  if (df !== undefined && statSync(df).isDirectory()) opts.defaultFiltersDir = df;
  const state = clusterState(objects);
  const logs: KubeLogEntry[] = [];
  const log = (e: KubeLogEntry) => logs.push(e);
  let routes: RouteDef[];
  const full = (convert as Record<string, any>).convertClusterState;
  if (typeof full === 'function' && !rgOnly) {
    const res = full(state, opts, log);
    routes = Array.isArray(res) ? res : res.routes;
  } else {
    const shared = createSharedContext(state, opts, log);
    routes = convertRouteGroups(state, opts, log, shared);
    if (shared.opts.provideHTTPSRedirect) routes.push(globalRedirectRoute(shared.opts.httpsRedirectCode));
    routes = dedupe(routes);
  }
  for (const r of routes) for (const ep of r.lbEndpoints ?? []) delete ep.zone;

  const problems: string[] = [];
  const eskip = set.files.get('eskip');
  if (eskip !== undefined) {
    const expected = parse(readFileSync(eskip, 'utf8'), { file: eskip });
    const d = diffLists(routes, expected);
    if (d.length > 0) problems.push(`routes: ${d.join('; ')}`);
  }
  const logFile = set.files.get('log');
  if (logFile !== undefined) {
    const lines = logs.filter((e) => e.level !== 'debug').map(logLine);
    for (const pat of readFileSync(logFile, 'utf8').split('\n')) {
      if (pat === '') continue;
      const rx = goRegExp(pat);
      if (!lines.some((l) => rx.test(l))) problems.push(`log not found: ${pat}`);
    }
  }
  if (problems.length > 0 && verbose) {
    console.log(logs.map(logLine).join('\n'));
    if (eskip !== undefined) console.log(routes.map((r) => JSON.stringify(r)).join('\n'));
  }
  return problems.length > 0 ? problems.join(' | ') : null;
}

function main(): void {
  const args = process.argv.slice(2);
  const verbose = args.includes('-v');
  const rgOnly = args.includes('--rg-only');
  const dirs = args.filter((a) => !a.startsWith('-'));
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const visit = (dir: string) => {
    const sets = fixtureSets(dir);
    for (const s of sets) {
      const p = join(dir, s.name);
      if (s.files.size === 0 && existsSync(p) && statSync(p).isDirectory()) {
        visit(p);
        continue;
      }
      let res: string | null;
      try {
        res = runSet(s, verbose, rgOnly);
      } catch (e) {
        res = `exception: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
      }
      if (res === null) {
        passed++;
        console.log(`PASS ${p}`);
      } else if (res.startsWith('SKIP')) {
        skipped++;
        console.log(`${res.slice(0, 4)} ${p}: ${res.slice(6)}`);
      } else {
        failed++;
        console.log(`FAIL ${p}: ${res}`);
      }
    }
  };
  for (const d of dirs) visit(d);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
}

main();
