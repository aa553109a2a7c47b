/** Shared route builders: redirects, east-west range, default filters. Expectations from Skipper's fixtures. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RouteDef } from '../../../../src/eskip/ast.ts';
import { diffLists, parse } from '../../../../src/eskip/index.ts';
import { DefaultFilters } from '../../../../src/dataclients/kubernetes/convert/default-filters.ts';
import { applyEastWestRange, createEastWestRouteRG } from '../../../../src/dataclients/kubernetes/convert/east-west.ts';
import { createHTTPSRedirect, globalRedirectRoute, hasProtoPredicate } from '../../../../src/dataclients/kubernetes/convert/https-redirect.ts';
import type { KubeLogEntry } from '../../../../src/dataclients/kubernetes/convert/types.ts';

const eq = (actual: RouteDef[], eskip: string) => assert.deepEqual(diffLists(actual, parse(eskip)), []);

test('global redirect route (fixtures https-redirect)', () => {
  eq([globalRedirectRoute(308)], `kube__redirect: Header("X-Forwarded-Proto", "http") && Weight(1000) -> redirectTo(308, "https:") -> <shunt>;`);
});

test('RouteGroup redirect twin keeps predicates and filters, adds the proto header and redirectTo', () => {
  const [r] = parse(`kube_rg__default__myapp__all__0_0: Host("^(example[.]org[.]?(:[0-9]+)?)$") && Path("/app") -> setPath("/") -> <roundRobin, "http://a:1", "http://b:1">;`);
  eq(
    [createHTTPSRedirect(308, r!)],
    `kube_rg__default__myapp__all__0_0_https_redirect: Host("^(example[.]org[.]?(:[0-9]+)?)$") && Path("/app") && Header("X-Forwarded-Proto", "http")
       -> setPath("/") -> redirectTo(308, "https:") -> <shunt>;`,
  );
  assert.equal(hasProtoPredicate(r!), false);
  assert.equal(hasProtoPredicate(parse(`x: Header("x-forwarded-proto", "https") -> <shunt>;`)[0]!), true);
});

test('east-west range predicates are appended to routes of matching hosts only', () => {
  const rs = parse(`a: Host("x") -> <shunt>;`);
  applyEastWestRange(['.ingress.cluster.local'], [{ name: 'ClientIP', args: ['10.2.0.0/16'] }], 'foo.ingress.cluster.local', rs);
  applyEastWestRange(['.ingress.cluster.local'], [{ name: 'ClientIP', args: ['10.2.0.0/16'] }], 'foo.example.org', rs);
  eq(rs, `a: Host("x") && ClientIP("10.2.0.0/16") -> <shunt>;`);
  const ew = createEastWestRouteRG('myapp', 'default', 'skipper.cluster.local', parse(`kube_rg__default__myapp__all__0_0: Host("a") && Path("/app") -> <shunt>;`)[0]!);
  eq([ew], `kubeew_rg__default__myapp__all__0_0: Host("^(myapp[.]default[.]skipper[.]cluster[.]local[.]?(:[0-9]+)?)$") && Path("/app") -> <shunt>;`);
});

test('default filters: <service>.<namespace> files, lazily parsed, errors reported per service', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-df-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'myapp.default'), 'setRequestHeader("X-Foo", "bar") -> comment("x")');
  writeFileSync(join(dir, 'broken.default'), 'setRequestHeader("X-Foo"');
  writeFileSync(join(dir, 'too.many.dots'), 'comment("no")');
  mkdirSync(join(dir, 'adir.default'));
  symlinkSync(join(dir, 'myapp.default'), join(dir, 'linked.default'));
  const logs: KubeLogEntry[] = [];
  const df = DefaultFilters.fromDir(dir, (e) => logs.push(e));
  assert.equal(df.size, 3);
  assert.deepEqual(df.get('default', 'myapp'), [
    { name: 'setRequestHeader', args: ['X-Foo', 'bar'] },
    { name: 'comment', args: ['x'] },
  ]);
  assert.deepEqual(df.get('default', 'linked').length, 2);
  assert.deepEqual(df.get('default', 'none'), []);
  assert.throws(() => df.get('default', 'broken'), /^Error: \[eskip\] default filters: /);
  // Each caller gets its own copy.
  df.get('default', 'myapp')[0]!.args.push('mutated');
  assert.deepEqual(df.get('default', 'myapp')[0]!.args, ['X-Foo', 'bar']);

  const missing: KubeLogEntry[] = [];
  assert.equal(DefaultFilters.fromDir(join(dir, 'nope'), (e) => missing.push(e)).size, 0);
  assert.match(missing[0]!.msg, /^could not fetch default filter configurations/);
});
