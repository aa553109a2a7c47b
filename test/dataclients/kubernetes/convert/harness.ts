/**
 * Quick conformance harness for the conversion alone (no API server): every fixture set under the given
 * directories is loaded from YAML, filtered by the `.kube` label selectors as the fake API would, converted
 * with convertClusterState and compared with `.eskip` (eqLists semantics, zones stripped) and `.log`.
 * Sets with `.api` (API failure injection) are skipped: they need the client path.
 *
 *   npx node test/dataclients/kubernetes/convert/harness.ts DIR… [-v] [--incremental]
 */
import { readFileSync, statSync } from 'node:fs';
import type { RouteDef } from '../../../../src/eskip/ast.ts';
import { diffLists, parse, print } from '../../../../src/eskip/index.ts';
import { convertClusterState, createIncrementalConverter } from '../../../../src/dataclients/kubernetes/convert/index.ts';
import type { ClusterState, KubeLogEntry, KubeObject } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { formatLogrus } from '../../../../src/dataclients/kubernetes/log.ts';
import { loadManifests } from '../../../../src/dataclients/kubernetes/manifests.ts';
import { defaultKubeOptions, type KubeOptions } from '../../../../src/dataclients/kubernetes/options.ts';
import { parseKubeFile } from '../../../conformance/fixture-options.ts';
import { findFixtureSets, type FixtureSet } from '../../../conformance/fixture-sets.ts';
import { goRegExp } from '../../../conformance/go-regexp.ts';

function selected(objs: KubeObject[], selector: Record<string, string>): KubeObject[] {
  const pairs = Object.entries(selector);
  return objs.filter((o) => pairs.every(([k, v]) => o.metadata.labels?.[k] === v));
}

function clusterState(objects: KubeObject[], o: KubeOptions): ClusterState {
  const of = (k: string) => objects.filter((x) => x.kind === k);
  return {
    ingresses: selected(of('Ingress'), o.ingressLabelSelectors),
    routeGroups: selected(of('RouteGroup'), o.routeGroupsLabelSelectors),
    services: selected(of('Service'), o.servicesLabelSelectors),
    endpoints: selected(of('Endpoints'), o.endpointsLabelSelectors),
    endpointSlices: of('EndpointSlice'),
    secrets: of('Secret'),
  };
}

function runSet(set: FixtureSet, verbose: boolean): string | null {
  if (set.files.has('api')) return 'SKIP';
  const file = (role: string) => set.files.get(role);
  const df = file('default-filters');
  const dfDir = df !== undefined && statSync(df).isDirectory() ? df : '';
  const opts = file('kube') !== undefined ? parseKubeFile(readFileSync(file('kube')!, 'utf8'), dfDir) : { ...defaultKubeOptions(), defaultFiltersDir: dfDir };
  const yaml = file('yaml');
  const objects = yaml !== undefined ? loadManifests(readFileSync(yaml, 'utf8'), yaml) : [];
  let logs: KubeLogEntry[] = [];
  const state = clusterState(objects, opts);
  let routes: RouteDef[];
  if (incremental) {
    // The second call reuses every cached object and must still give the same routes and logs.
    const convert = createIncrementalConverter();
    convert(state, opts, () => {});
    routes = convert({ ...state }, opts, (e) => logs.push(e)).routes;
  } else {
    routes = convertClusterState(state, opts, (e) => logs.push(e)).routes;
  }
  for (const r of routes) for (const ep of r.lbEndpoints ?? []) delete ep.zone;

  const problems: string[] = [];
  const eskip = file('eskip');
  let expected: RouteDef[] = [];
  if (eskip !== undefined) {
    expected = parse(readFileSync(eskip, 'utf8'), { file: eskip });
    const d = diffLists(routes, expected);
    if (d.length > 0) problems.push(`routes: ${d.join('; ')}`);
  }
  const logFile = file('log');
  if (logFile !== undefined) {
    const lines = logs.filter((e) => e.level !== 'debug').map((e) => formatLogrus(e));
    for (const pat of readFileSync(logFile, 'utf8').split('\n')) {
      if (pat !== '' && !lines.some((l) => goRegExp(pat).test(l))) problems.push(`log not found: ${pat}`);
    }
  }
  if (problems.length > 0 && verbose) {
    console.log(logs.map((e) => formatLogrus(e)).join('\n'));
    console.log('--- actual\n' + print(routes, { pretty: true }) + '\n--- expected\n' + print(expected, { pretty: true }));
  }
  return problems.length > 0 ? problems.join(' | ') : null;
}

const args = process.argv.slice(2);
const verbose = args.includes('-v');
const incremental = args.includes('--incremental');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const set of findFixtureSets(args.filter((a) => !a.startsWith('-')))) {
  let res: string | null;
  try {
    res = runSet(set, verbose);
  } catch (err) {
    res = `exception: ${(err as Error).stack}`;
  }
  if (res === 'SKIP') skipped++;
  else if (res === null) passed++;
  else {
    failed++;
    console.log(`FAIL ${set.name}: ${res}`);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
