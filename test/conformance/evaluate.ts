/**
 * Evaluates one fixture set as Skipper's reference runner does (../shared/conformance/README.md §3): the
 * resources are served by the test API server, the live client's listing and conversion produce the routes,
 * and the result is checked against `.eskip` (eskip.EqLists after zone stripping), `.log` (each pattern
 * matches some logrus line) and `.error` (each pattern matches the load error).
 */
import { readFileSync } from 'node:fs';
import { KubeApi, kubeConfigFromOptions } from '../../src/dataclients/kubernetes/api.ts';
import type { KubeLogEntry, KubeObject } from '../../src/dataclients/kubernetes/convert/types.ts';
import { loadAndConvert, type ConvertFn } from '../../src/dataclients/kubernetes/load.ts';
import { formatLogrus } from '../../src/dataclients/kubernetes/log.ts';
import { loadManifests } from '../../src/dataclients/kubernetes/manifests.ts';
import type { RouteDef } from '../../src/eskip/ast.ts';
import { diffLists, parse } from '../../src/eskip/index.ts';
import { KubeApiServer, type KubeApiOptions } from '../support/kube-apiserver.ts';
import { parseApiFile, parseKubeFile } from './fixture-options.ts';
import type { FixtureSet } from './fixture-sets.ts';
import { goRegExp } from './go-regexp.ts';

export interface SetResult {
  name: string;
  pass: boolean;
  /** Short reason of a failure. */
  reason?: string;
}

const read = (p: string) => readFileSync(p, 'utf8');

/** Skipper compares no zones: an actual endpoint with a zone keeps only its address. */
function stripZones(routes: RouteDef[]): RouteDef[] {
  return routes.map((r) =>
    r.lbEndpoints?.some((e) => e.zone) ? { ...r, lbEndpoints: r.lbEndpoints.map((e) => ({ address: e.address })) } : r,
  );
}

function short(s: string, n = 160): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

export async function evaluateSet(set: FixtureSet, convert: ConvertFn): Promise<SetResult> {
  const f = set.files;
  const fail = (reason: string): SetResult => ({ name: set.name, pass: false, reason: short(reason) });
  let objects: KubeObject[] = [];
  let apiOpts: KubeApiOptions = {};
  try {
    if (f.has('yaml')) objects = loadManifests(read(f.get('yaml')!), f.get('yaml'));
    if (f.has('api')) apiOpts = parseApiFile(read(f.get('api')!));
  } catch (err) {
    return fail(`invalid fixture: ${(err as Error).message}`);
  }
  let options;
  try {
    options = parseKubeFile(f.has('kube') ? read(f.get('kube')!) : '', f.get('default-filters') ?? '');
  } catch (err) {
    return fail(`invalid options: ${(err as Error).message}`);
  }

  const server = await KubeApiServer.start(objects, apiOpts);
  const lines: string[] = [];
  const log = (e: KubeLogEntry) => {
    if (e.level !== 'debug') lines.push(formatLogrus(e));
  };
  let routes: RouteDef[] = [];
  let errorText = '';
  try {
    options.url = server.url;
    const api = new KubeApi(kubeConfigFromOptions(options));
    routes = (await loadAndConvert(api, options, log, convert)).routes;
  } catch (err) {
    errorText = (err as Error).message;
  } finally {
    await server.stop();
  }

  if (errorText !== '' && !(f.has('api') && f.has('error'))) return fail(`unexpected error: ${errorText}`);
  if (f.has('error')) {
    for (const p of read(f.get('error')!).split('\n')) {
      if (!goRegExp(p).test(errorText)) return fail(`error ${JSON.stringify(errorText)} does not match /${p}/`);
    }
  }
  if (f.has('eskip')) {
    let expected: RouteDef[];
    try {
      expected = parse(read(f.get('eskip')!), { file: f.get('eskip') });
    } catch (err) {
      return fail(`invalid expected eskip: ${(err as Error).message}`);
    }
    const diff = diffLists(stripZones(routes), expected);
    if (diff.length > 0) return fail(`routes differ (${diff.length}): ${diff.slice(0, 3).join('; ')}`);
  }
  if (f.has('log')) {
    for (const p of read(f.get('log')!).split('\n')) {
      // An empty pattern matches even when nothing was logged (Go splits "" into one empty line).
      if (p === '') continue;
      const rx = goRegExp(p);
      if (!lines.some((l) => rx.test(l))) return fail(`no log line matches /${p}/`);
    }
  }
  return { name: set.name, pass: true };
}
