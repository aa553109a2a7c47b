import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { kubeOptionsFromConfig } from '../../../src/dataclients/kubernetes/from-config.ts';

test('Skipper defaults: healthcheck and HTTPS redirect on, 308, class skipper, all external names', () => {
  const o = kubeOptionsFromConfig(loadConfig(['-kubernetes']));
  assert.equal(o.provideHealthcheck, true);
  assert.equal(o.provideHTTPSRedirect, true);
  assert.equal(o.httpsRedirectCode, 308);
  assert.equal(o.ingressClass, 'skipper');
  assert.equal(o.routeGroupClass, 'skipper');
  assert.equal(o.defaultLoadBalancerAlgorithm, 'roundRobin');
  assert.deepEqual(o.allowedExternalNames, ['.*']);
  assert.equal(o.pathMode, 'kubernetes-ingress');
});

test('flags map with normalisation', () => {
  const o = kubeOptionsFromConfig(
    loadConfig([
      '-kubernetes-url=http://127.0.0.1:1',
      '-kubernetes-https-redirect-code=0',
      '-enable-kubernetes-east-west',
      '-kubernetes-east-west-domain=.cluster.example.',
      '-kubernetes-default-lb-algorithm=none',
      '-kubernetes-namespace=team',
      '-kubernetes-ingresses-label-selector=a=b,c=d',
      '-kubernetes-annotation-predicates=zalando.org/zone=zone1=Zone("zone1") && True()',
      '-kubernetes-annotation-filters-append=foo=bar=comment("x")',
      '-kubernetes-east-west-range-predicates=ClientIP("10.2.0.0/16")',
      '-kubernetes-only-allowed-external-names',
      '-kubernetes-allowed-external-name=^a[.]example$',
      '-enable-kubernetes-endpointslices',
    ]),
  );
  assert.equal(o.url, 'http://127.0.0.1:1');
  assert.equal(o.httpsRedirectCode, 308);
  assert.equal(o.eastWestDomain, 'cluster.example');
  assert.equal(o.defaultLoadBalancerAlgorithm, 'roundRobin');
  assert.equal(o.namespace, 'team');
  assert.deepEqual(o.ingressLabelSelectors, { a: 'b', c: 'd' });
  assert.deepEqual(o.annotationPredicates, [
    { key: 'zalando.org/zone', value: 'zone1', predicates: [{ name: 'Zone', args: ['zone1'] }, { name: 'True', args: [] }] },
  ]);
  assert.deepEqual(o.annotationFiltersAppend, [{ key: 'foo', value: 'bar', filters: [{ name: 'comment', args: ['x'] }] }]);
  assert.deepEqual(o.eastWestRangePredicates, [{ name: 'ClientIP', args: ['10.2.0.0/16'] }]);
  assert.deepEqual(o.allowedExternalNames, ['^a[.]example$']);
  assert.equal(o.enableEndpointSlices, true);
});

test('bad values name the flag', () => {
  assert.throws(() => kubeOptionsFromConfig(loadConfig(['-kubernetes-annotation-predicates=novalue'])), /flag -kubernetes-annotation-predicates/);
  assert.throws(() => kubeOptionsFromConfig(loadConfig(['-kubernetes-ingress-class=(['])), /flag -kubernetes-ingress-class/);
});
