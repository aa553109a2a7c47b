import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { kubeRender } from '../../../src/cmd/eskip-kube-render.ts';
import { parse } from '../../../src/eskip/index.ts';

const manifest = fileURLToPath(new URL('../../conformance/fixtures/pass/host-rule.yaml', import.meta.url));

async function render(argv: string[], stdin = '') {
  let out = '';
  let err = '';
  const code = await kubeRender(argv, { out: (s) => (out += s), err: (s) => (err += s), readStdin: async () => stdin });
  return { code, out, err };
}

test('renders the routes of the manifests; flag defaults add health check and HTTPS redirect', async () => {
  const r = await render([manifest]);
  assert.equal(r.code, 0, r.err);
  const ids = parse(r.out).map((x) => x.id).sort();
  assert.ok(ids.includes('kube_web__shop__shop_example_org___cart__cart'));
  assert.ok(ids.includes('kube__redirect'), ids.join());
  assert.ok(ids.includes('kube__healthz_up'), ids.join());
});

test('flags change the conversion; values in the next argument are flags too', async () => {
  const r = await render(['-kubernetes-healthcheck=false', '-kubernetes-https-redirect=false', '-kubernetes-namespace', 'other', manifest]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(parse(r.out), []);
});

test('bad objects are logged and skipped, the rest renders; stdin works', async () => {
  const yaml = [
    'apiVersion: zalando.org/v1',
    'kind: RouteGroup',
    'metadata: {name: broken, namespace: default}',
    'spec: {hosts: [a.example], routes: [{pathSubtree: /}]}',
    '---',
    'apiVersion: zalando.org/v1',
    'kind: RouteGroup',
    'metadata: {name: good, namespace: default}',
    'spec: {hosts: [b.example], backends: [{name: s, type: shunt}], routes: [{pathSubtree: /, backends: [{backendName: s}]}]}',
  ].join('\n');
  const r = await render(['-kubernetes-healthcheck=false', '-kubernetes-https-redirect=false', '-'], yaml);
  assert.equal(r.code, 0);
  assert.deepEqual(parse(r.out).map((x) => x.id).sort(), ['kube_rg____b_example__catchall__0_0', 'kube_rg__default__good__all__0_0']);
  assert.match(r.err, /level=error .*kind=RouteGroup name=broken ns=default/);
});

test('usage and unreadable files', async () => {
  assert.equal((await render([])).code, 2);
  assert.equal((await render(['-no-such-flag', manifest])).code, 2);
  const missing = await render(['/nonexistent.yaml']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nonexistent\.yaml: no such file/);
});

test('-reverse-source-predicate: the health-check routes use SourceFromLast, as Skipper generates them', async () => {
  const predicatesOf = (out: string) => parse(out).filter((x) => x.id.startsWith('kube__healthz')).map((x) => x.predicates.map((p) => p.name));
  const plain = await render([manifest]);
  const reversed = await render(['-reverse-source-predicate', manifest]);
  assert.equal(reversed.code, 0, reversed.err);
  assert.ok(predicatesOf(plain.out).every((names) => names.includes('Source') && !names.includes('SourceFromLast')));
  const names = predicatesOf(reversed.out);
  assert.equal(names.length, 2);
  assert.ok(names.every((n) => n.includes('SourceFromLast') && !n.includes('Source')), JSON.stringify(names));
});
