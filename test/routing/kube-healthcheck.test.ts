/**
 * The Kubernetes health-check routes (src/dataclients/kubernetes/convert/healthcheck.ts) compile with the
 * built-in predicates and filters and decide like Skipper's: `kube__healthz_up` for internal clients while
 * running, `kube__healthz_down` (one more predicate: Shutdown) once the process is shutting down.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthcheckRoutes } from '../../src/dataclients/kubernetes/convert/healthcheck.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import type { FilterSpec } from '../../src/routing/filter-contract.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import type { RouteTable } from '../../src/routing/types.ts';
import { request } from './helpers.ts';

// disableAccessLog lands with the access-log work; until builtinFilters() has it, a stand-in with its
// state-bag effect keeps this test about the routes rather than about that filter.
const disableAccessLog: FilterSpec = {
  name: 'disableAccessLog',
  create: () => ({ name: 'disableAccessLog', request: (ctx) => void ctx.stateBag.set('accessLog.disabled', true) }),
};

function filters() {
  const f = builtinFilters();
  return f.get('disableAccessLog') === undefined ? builtinFilters([disableAccessLog]) : f;
}

function compile(reverseSource: boolean, state: { down: boolean }, accessLog = false): RouteTable {
  return compileRoutes(healthcheckRoutes(['203.0.113.0/24'], reverseSource, accessLog), {
    predicates: builtinPredicates({ shuttingDown: () => state.down }),
    filters: filters(),
  });
}

const healthz = (remoteAddress: string, xff?: string) =>
  ({ ...request({ path: '/kube-system/healthz', headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }), remoteAddress });

for (const reverseSource of [false, true]) {
  for (const accessLog of [false, true]) {
    test(`health-check routes (${reverseSource ? 'SourceFromLast' : 'Source'}, access log ${accessLog ? 'on' : 'off'}) compile as valid routes`, () => {
      const t = compile(reverseSource, { down: false }, accessLog);
      assert.deepEqual(t.invalid, []);
      assert.deepEqual(t.routes.map((r) => r.id), ['kube__healthz_up', 'kube__healthz_down']);
      assert.deepEqual(t.routes[0]!.filters.map((f) => f.name), accessLog ? ['status'] : ['disableAccessLog', 'status']);
    });
  }
}

test('health check: internal and whitelisted clients get kube__healthz_up while running, kube__healthz_down when shutting down', () => {
  const state = { down: false };
  const t = compile(false, state);
  for (const addr of ['10.1.2.3', '127.0.0.1', '192.168.0.9', '172.16.4.4', '203.0.113.7', '::1']) {
    state.down = false;
    assert.equal(t.lookup(healthz(addr))?.route.id, 'kube__healthz_up', addr);
    state.down = true;
    assert.equal(t.lookup(healthz(addr))?.route.id, 'kube__healthz_down', addr);
  }
});

test('health check: external clients match neither route', () => {
  const state = { down: false };
  const t = compile(false, state);
  assert.equal(t.lookup(healthz('8.8.8.8')), null);
  state.down = true;
  assert.equal(t.lookup(healthz('8.8.8.8')), null);
  assert.equal(t.lookup({ ...healthz('10.0.0.1'), path: '/kube-system/healthz/x' }), null, 'Path, not PathSubtree');
});

test('health check with SourceFromLast: the last X-Forwarded-For entry decides', () => {
  const state = { down: true };
  const t = compile(true, state);
  assert.equal(t.lookup(healthz('8.8.8.8', '8.8.4.4, 10.0.0.5'))?.route.id, 'kube__healthz_down');
  assert.equal(t.lookup(healthz('10.0.0.5', '10.0.0.6, 8.8.4.4')), null);
  state.down = false;
  assert.equal(t.lookup(healthz('8.8.8.8', '8.8.4.4, 10.0.0.5'))?.route.id, 'kube__healthz_up');
});
