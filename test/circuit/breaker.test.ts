import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinarySampler } from '../../src/circuit/binary-sampler.ts';
import { Breaker, REFUSED, type BreakerState } from '../../src/circuit/breaker.ts';
import { BreakerRegistry } from '../../src/circuit/registry.ts';
import { mergeSettings, NO_SETTINGS, parseBreakerFlag, type BreakerSettings } from '../../src/circuit/settings.ts';

function settings(s: Partial<BreakerSettings>): BreakerSettings {
  return { ...NO_SETTINGS, ...s };
}

function breaker(s: Partial<BreakerSettings>, seen: string[] = []): Breaker {
  return new Breaker('h:80', 'k', settings(s), (_b, from, to) => void seen.push(`${from}>${to}`));
}

function fail(b: Breaker, now: number): void {
  const t = b.allow(now);
  assert.notEqual(t, REFUSED);
  b.done(t, false, now);
}

function succeed(b: Breaker, now: number): void {
  const t = b.allow(now);
  assert.notEqual(t, REFUSED);
  b.done(t, true, now);
}

test('consecutive: opens after N consecutive failures; a success in between resets the count', () => {
  const seen: string[] = [];
  const b = breaker({ type: 'consecutive', failures: 3, timeoutMs: 1000 }, seen);
  fail(b, 0);
  fail(b, 0);
  succeed(b, 0);
  fail(b, 0);
  fail(b, 0);
  assert.equal(b.state, 'closed');
  fail(b, 0);
  assert.equal(b.state, 'open');
  assert.equal(b.allow(999), REFUSED);
  assert.deepEqual(seen, ['closed>open']);
});

test('half-open: after the timeout, N probes; N successes close, one failure reopens', () => {
  const seen: string[] = [];
  const b = breaker({ type: 'consecutive', failures: 1, timeoutMs: 1000, halfOpenRequests: 2 }, seen);
  fail(b, 0);
  const p1 = b.allow(1000);
  const p2 = b.allow(1000);
  assert.notEqual(p1, REFUSED);
  assert.notEqual(p2, REFUSED);
  assert.equal(b.state as BreakerState, 'half-open');
  assert.equal(b.allow(1000), REFUSED, 'no more than half-open-requests probes');
  b.done(p1, true, 1001);
  assert.equal(b.state as BreakerState, 'half-open');
  b.done(p2, true, 1002);
  assert.equal(b.state as BreakerState, 'closed');
  fail(b, 2000);
  const p3 = b.allow(3000);
  b.done(p3, false, 3000);
  assert.equal(b.state as BreakerState, 'open');
  assert.equal(b.allow(3999), REFUSED, 'reopened with a fresh timeout');
  assert.deepEqual(seen, ['closed>open', 'open>half-open', 'half-open>closed', 'closed>open', 'open>half-open', 'half-open>open']);
});

test('results of an earlier generation are ignored; a released probe frees its slot', () => {
  const b = breaker({ type: 'consecutive', failures: 1, timeoutMs: 10 });
  const old = b.allow(0);
  fail(b, 0);
  b.done(old, true, 20);
  assert.equal(b.state, 'open', 'a late success from the closed generation does not close it');
  const probe = b.allow(20);
  assert.equal(b.allow(20), REFUSED);
  b.release(probe);
  assert.notEqual(b.allow(20), REFUSED, 'the released slot can be used again');
});

test('rate: opens when failures within the last `window` requests reach the threshold', () => {
  const b = breaker({ type: 'rate', failures: 3, window: 5, timeoutMs: 1000 });
  for (const ok of [false, true, false, true, true, true, false, true]) (ok ? succeed : fail)(b, 0);
  assert.equal(b.state, 'closed', 'never 3 failures within 5 requests');
  fail(b, 0);
  fail(b, 0);
  assert.equal(b.state, 'open');
});

test('BinarySampler counts set samples in a sliding window', () => {
  const s = new BinarySampler(3);
  for (const v of [true, true, false, true]) s.tick(v);
  assert.equal(s.count, 2);
  s.tick(false);
  s.tick(false);
  assert.equal(s.count, 1);
  s.tick(false);
  assert.equal(s.count, 0);
});

test('-breaker values parse as Skipper parses them, naming the bad key', () => {
  assert.deepEqual(parseBreakerFlag('type=rate,host=www.example.org,window=300,failures=30,timeout=10s,half-open-requests=3,idle-ttl=1m'), {
    type: 'rate', host: 'www.example.org', window: 300, failures: 30, timeoutMs: 10_000, halfOpenRequests: 3, idleTtlMs: 60_000,
  });
  assert.equal(parseBreakerFlag('failures=5').type, 'consecutive', 'type defaults to consecutive');
  assert.throws(() => parseBreakerFlag('type=fancy'), /invalid breaker type/);
  assert.throws(() => parseBreakerFlag('failures=x'), /failures/);
  assert.throws(() => parseBreakerFlag('color=red'), /unknown breaker setting "color"/);
});

test('mergeSettings: route over host over global, field by field', () => {
  const global = settings({ type: 'consecutive', failures: 5, timeoutMs: 1000 });
  const route = settings({ timeoutMs: 50 });
  const m = mergeSettings(route, global);
  assert.equal(m.type, 'consecutive');
  assert.equal(m.failures, 5);
  assert.equal(m.timeoutMs, 50);
  const rate = mergeSettings(settings({ type: 'rate', failures: 2, window: 10 }), global);
  assert.equal(rate.failures, 2, 'a route type keeps its own failures');
});

test('registry: same host and settings is the same breaker; hosts and settings separate them', () => {
  const r = new BreakerRegistry([parseBreakerFlag('type=consecutive,failures=5'), parseBreakerFlag('host=slow.example,failures=2')]);
  const a = r.get('a.example:80', null)!;
  assert.equal(r.get('a.example:80', null), a);
  assert.notEqual(r.get('b.example:80', null), a);
  assert.equal(r.get('slow.example:443', null)!.settings.failures, 2, 'host settings match the host name without port');
  const route = settings({ type: 'consecutive', failures: 9 });
  const byRoute = r.get('a.example:80', route)!;
  assert.notEqual(byRoute, a);
  assert.equal(r.get('a.example:80', settings({ type: 'consecutive', failures: 9 })), byRoute, 'equal settings from a new route generation find the same breaker');
  assert.equal(r.get('a.example:80', settings({ type: 'disabled' })), null, 'disableBreaker');
  assert.equal(new BreakerRegistry([]).get('a.example:80', null), null, 'no defaults: no breaker without a filter');
  assert.notEqual(new BreakerRegistry([]).get('a.example:80', route), null, '-enable-breakers alone: filters still make breakers');
});

test('registry: a breaker idle longer than its idle-ttl starts afresh', () => {
  let now = 0;
  const r = new BreakerRegistry([parseBreakerFlag('failures=1,idle-ttl=1s,timeout=1h')], () => now);
  const b = r.get('a:80', null)!;
  b.done(b.allow(now), false, now);
  assert.equal(b.state, 'open');
  now = 500;
  assert.equal(r.get('a:80', null), b, 'used within the ttl');
  now = 1600;
  const fresh = r.get('a:80', null)!;
  assert.notEqual(fresh, b);
  assert.equal(fresh.state, 'closed');
  assert.equal(b.evicted, true);
});
