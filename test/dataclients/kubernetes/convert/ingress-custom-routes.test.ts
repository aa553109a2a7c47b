/**
 * `zalando.org/skipper-routes` extra routes, with expectations from Skipper's TestSkipperCustomRoutes
 * (dataclients/kubernetes/kube_test.go).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffLists, parse } from '../../../../src/eskip/index.ts';
import { convertClusterState } from '../../../../src/dataclients/kubernetes/convert/index.ts';
import type { ClusterState } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { loadManifests } from '../../../../src/dataclients/kubernetes/manifests.ts';
import { defaultKubeOptions } from '../../../../src/dataclients/kubernetes/options.ts';

const backends = `
kind: Service
metadata: {namespace: foo, name: bar}
spec: {clusterIP: 1.2.3.4, ports: [{name: baz, port: 8181, targetPort: 8181}]}
---
kind: Endpoints
metadata: {namespace: foo, name: bar}
subsets: [{addresses: [{ip: 1.1.1.0}], ports: [{name: baz, port: 8181}]}]
`;

function convert(routesAnnotation: string, rules: [string, string][], pathMode?: string) {
  const ann = JSON.stringify({ 'zalando.org/skipper-routes': routesAnnotation, ...(pathMode ? { 'zalando.org/skipper-ingress-path-mode': pathMode } : {}) });
  const ruleYaml = rules.map(([host, path]) => `{host: ${host}, http: {paths: [{path: "${path}", backend: {service: {name: bar, port: {name: baz}}}}]}}`).join(', ');
  const objs = loadManifests(`kind: Ingress\nmetadata: {namespace: foo, name: qux, annotations: ${ann}}\nspec: {rules: [${ruleYaml}]}\n---\n${backends}`);
  const of = (k: string) => objs.filter((o) => o.kind === k);
  const state: ClusterState = { ingresses: of('Ingress'), routeGroups: [], services: of('Service'), endpoints: of('Endpoints'), endpointSlices: [], secrets: [] };
  return convertClusterState(state, defaultKubeOptions(), () => {}).routes;
}

const h = (n: number) => `Host(/^(www${n}[.]example[.]org[.]?(:[0-9]+)?)$/)`;

test('three hosts, one without path, three named custom routes', () => {
  const routes = convert(
    `a: Method("OPTIONS") -> <shunt>;
     b: Cookie("alpha", /^enabled$/) -> "http://1.1.2.0:8181";
     c: Path("/a/path/somewhere") -> "https://some.other-url.org/a/path/somewhere";`,
    [
      ['www1.example.org', ''],
      ['www2.example.org', '/'],
      ['www3.example.org', '/a/path'],
    ],
  );
  const expected = parse(`
    kube_foo__qux__www1_example_org____bar: ${h(1)} -> "http://1.1.1.0:8181";
    kube_foo__qux_a_0__www1_example_org____: ${h(1)} && Method("OPTIONS") -> <shunt>;
    kube_foo__qux_b_1__www1_example_org____: ${h(1)} && Cookie("alpha", "^enabled$") -> "http://1.1.2.0:8181";
    kube_foo__qux_c_2__www1_example_org____: Path("/a/path/somewhere") && ${h(1)} -> "https://some.other-url.org/a/path/somewhere";
    kube_foo__qux__www2_example_org_____bar: ${h(2)} && PathRegexp(/^\\//) -> "http://1.1.1.0:8181";
    kube_foo__qux_a_0__www2_example_org_____: ${h(2)} && PathRegexp(/^\\//) && Method("OPTIONS") -> <shunt>;
    kube_foo__qux_b_1__www2_example_org_____: ${h(2)} && PathRegexp(/^\\//) && Cookie("alpha", "^enabled$") -> "http://1.1.2.0:8181";
    kube_foo__qux_c_2__www2_example_org_____: Path("/a/path/somewhere") && ${h(2)} && PathRegexp(/^\\//) -> "https://some.other-url.org/a/path/somewhere";
    kube_foo__qux__www3_example_org___a_path__bar: ${h(3)} && PathRegexp(/^(\\/a\\/path)/) -> "http://1.1.1.0:8181";
    kube_foo__qux_a_0__www3_example_org_a_path____: ${h(3)} && PathRegexp(/^(\\/a\\/path)/) && Method("OPTIONS") -> <shunt>;
    kube_foo__qux_b_1__www3_example_org_a_path____: ${h(3)} && PathRegexp(/^(\\/a\\/path)/) && Cookie("alpha", "^enabled$") -> "http://1.1.2.0:8181";
    kube_foo__qux_c_2__www3_example_org_a_path____: Path("/a/path/somewhere") && ${h(3)} && PathRegexp(/^(\\/a\\/path)/) -> "https://some.other-url.org/a/path/somewhere";
    kube___catchall__www3_example_org____: ${h(3)} -> <shunt>;`);
  assert.deepEqual(diffLists(routes, expected), []);
});

test('path-prefix mode adds PathSubtree to custom routes; two path predicates drop the custom route', () => {
  const withSubtree = convert(`Method("OPTIONS") -> <shunt>`, [['www1.example.org', '/']], 'path-prefix');
  assert.deepEqual(
    diffLists(
      withSubtree,
      parse(`kube_foo__qux__www1_example_org_____bar: ${h(1)} && PathSubtree("/") -> "http://1.1.1.0:8181";
             kube_foo__qux__0__www1_example_org_____: ${h(1)} && Method("OPTIONS") && PathSubtree("/") -> <shunt>;`),
    ),
    [],
  );
  const dropped = convert(`Path("/foo") -> <shunt>`, [['www1.example.org', '/']], 'path-prefix');
  assert.deepEqual(diffLists(dropped, parse(`kube_foo__qux__www1_example_org_____bar: ${h(1)} && PathSubtree("/") -> "http://1.1.1.0:8181";`)), []);
});
