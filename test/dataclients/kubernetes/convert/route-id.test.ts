import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eastWestRouteID, routeID, routeIDForCustom } from '../../../../src/dataclients/kubernetes/convert/route-id.ts';
import { createHostRx } from '../../../../src/dataclients/kubernetes/convert/hosts.ts';

// Expected ids are taken from Skipper's fixtures (ingressV1/eastwest, ingress-data).
test('route ids sanitise every part with Go \\W semantics', () => {
  assert.equal(routeID('foo', 'qux', 'www.example.org', '/', 'qux'), 'kube_foo__qux__www_example_org_____qux');
  assert.equal(routeID('namespace1', 'ingress1', '', '', ''), 'kube_namespace1__ingress1______');
  assert.equal(routeID('default', 'myapp-ingress', 'example.org', '', 'myapp-service'), 'kube_default__myapp_ingress__example_org____myapp_service');
  assert.equal(routeID('a', 'b', 'ü.example', '', ''), 'kube_a__b____example____');
});

test('custom route ids and east-west ids', () => {
  const id = routeIDForCustom('foo', 'qux', '', 'www.example.org' + '/'.replaceAll('/', '_'), 0);
  assert.equal(id, 'kube_foo__qux__0__www_example_org_____');
  assert.equal(eastWestRouteID(id), 'kubeew_foo__qux__0__www_example_org_____');
});

test('host regexps', () => {
  assert.equal(createHostRx('www.example.org'), '^(www[.]example[.]org[.]?(:[0-9]+)?)$');
  assert.equal(createHostRx('a.b', 'c'), '^(a[.]b[.]?(:[0-9]+)?|c[.]?(:[0-9]+)?)$');
});
