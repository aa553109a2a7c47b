import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendRateLimitGuard } from '../../src/roles/backend-ratelimit-guard.ts';
import { BACKEND_RATELIMIT_KEY, backendRatelimit } from '../../src/filters/ratelimit/backend-ratelimit.ts';
import { FAIL_CLOSED_KEY } from '../../src/filters/ratelimit/fail-closed.ts';
import type { FilterContext } from '../../src/filters/types.ts';
import type { AttemptInfo } from '../../src/proxy/guard.ts';
import { InProcessLimiter } from '../../src/ratelimit/instance-limiter.ts';
import { LimiterRegistry } from '../../src/ratelimit/registry.ts';
import { closedPort, swarmOfOne, unreachableStore } from '../support/swarm-limiters.ts';

function attempt(bag: Map<string, unknown>, origin: string, n = 0): AttemptInfo {
  return { routeId: 'r', backendHost: origin.slice(7), origin, attempt: n, method: 'GET', stateBag: bag };
}

/** Runs the filter's request hook the way the proxy does: it only writes the state bag. */
function bagFor(spec: ReturnType<typeof backendRatelimit>, args: (string | number)[]): Map<string, unknown> {
  const bag = new Map<string, unknown>();
  void spec.create(args).request!({ stateBag: bag } as unknown as FilterContext);
  return bag;
}

test('the guard counts each attempt per endpoint and refuses with the coded error and the filter status', async () => {
  const registry = new LimiterRegistry({ instance: new InProcessLimiter(), swarm: swarmOfOne() });
  const guard = backendRateLimitGuard();
  const bag = bagFor(backendRatelimit(registry), ['g', 2, '1m']);
  assert.ok(bag.has(BACKEND_RATELIMIT_KEY));
  const a = 'http://127.0.0.1:1';
  const b = 'http://127.0.0.2:1';
  assert.equal(await guard.before(attempt(bag, a)), undefined);
  assert.equal(await guard.before(attempt(bag, a, 1)), undefined, 'a retry is an attempt too');
  const r = await guard.before(attempt(bag, a, 2));
  assert.equal(r?.code, 'SKJ_ERR_PROXY_BACKEND_RATELIMITED');
  assert.equal(r?.status, 503);
  assert.match(r!.reason, /backend\.g/);
  assert.equal(await guard.before(attempt(bag, b)), undefined, 'another endpoint has its own budget');
  assert.equal(await guard.before(attempt(new Map(), a)), undefined, 'routes without backendRatelimit are not asked about');
});

test('the guard fails open on an unreachable store, closed under ratelimitFailClosed', async () => {
  const registry = new LimiterRegistry({ instance: new InProcessLimiter(), swarm: unreachableStore(await closedPort()) });
  const guard = backendRateLimitGuard();
  const bag = bagFor(backendRatelimit(registry), ['g', 1, '1m', 429]);
  assert.equal(await guard.before(attempt(bag, 'http://127.0.0.1:1')), undefined);
  bag.set(FAIL_CLOSED_KEY, true);
  assert.equal((await guard.before(attempt(bag, 'http://127.0.0.1:1')))?.status, 429);
});
