/**
 * The swarm in the real skipjack command: three processes sharing one clusterRatelimit over a real
 * redis-server, over real libp2p gossip (static membership, also with -workers 2), Redis SIGKILLed and
 * restarted, and breakers shared over gossip. Invariants, not timings: admitted counts, answered requests.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startRedis } from '../support/redis-server.ts';
import { builtCommand, runSkipjack, startBackend, startSkipjack, until, type Skipjack } from './harness.ts';

const quiet = ['-access-log-disabled', '-wait-for-healthcheck-interval=0s'];
const LIMIT = 10;
const STORE = /^skipjack_swarm_ratelimit_decisions_total\{[^}]*source="store"[^}]*\} (\d+)/;
const FALLBACK = /^skipjack_swarm_ratelimit_decisions_total\{[^}]*source="fallback"[^}]*\} (\d+)/;

/** One request; its status, or 0 when the connection failed. */
async function get(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<number> {
  const r = await fetch(url, { headers: { connection: 'close', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  await r.arrayBuffer();
  return r.status;
}

/** `n` requests spread round-robin over the instances, counted by status. */
async function spread(instances: readonly Skipjack[], path: string, n: number, headers: Record<string, string> = {}): Promise<Map<number, number>> {
  const byStatus = new Map<number, number>();
  await Promise.all(instances.map(async (s, i) => {
    for (let k = i; k < n; k += instances.length) {
      const st = await get(s.base + path, headers);
      byStatus.set(st, (byStatus.get(st) ?? 0) + 1);
    }
  }));
  return byStatus;
}

async function backend(t: TestContext): Promise<string> {
  return (await startBackend(t, (_req, res) => res.end('ok'))).url;
}

/** Three gossip instances with static membership on free ports, each waiting until it sees all three live. */
async function gossipFleet(t: TestContext, args: string[], o: { workers?: number; command?: string[] } = {}): Promise<Skipjack[]> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const addrs = ports.map((p) => `127.0.0.1:${p}`);
  const fleet = await Promise.all(addrs.map((self) => startSkipjack(t, [
    ...quiet, '-enable-swarm', `-swarm-static-self=${self}`, `-swarm-static-other=${addrs.filter((a) => a !== self).join(',')}`, ...args,
  ], o)));
  await Promise.all(fleet.map((s) => s.waitFor(/swarm gossip: 3 of 3 members live/)));
  return fleet;
}

async function metric(s: Skipjack, re: RegExp): Promise<number> {
  const text = await (await fetch(`${s.support}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m !== null) sum += Number(m[1]);
  }
  return sum;
}

test('Redis mode: three instances admit exactly the limit of a clusterRatelimit across them', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const url = await backend(t);
  const routes = `r: * -> clusterRatelimit("g", ${LIMIT}, "1m") -> "${url}"`;
  const fleet = await Promise.all([0, 1, 2].map(() => startSkipjack(t, [
    ...quiet, '-enable-swarm', '-enable-ratelimits', `-swarm-redis-urls=${redis.address}`, `-inline-routes=${routes}`,
    // Skipper's 25 ms deadlines make a loaded test machine fall back now and then; accuracy on Redis is under test here.
    '-swarm-redis-read-timeout=2s', '-swarm-redis-dial-timeout=2s',
  ])));
  for (const s of fleet) assert.match(s.stderr(), /swarm: Redis store/);
  const byStatus = await spread(fleet, '/', 45);
  for (const s of fleet) assert.equal(await metric(s, FALLBACK), 0, 'every decision was made by Redis');
  assert.equal(byStatus.get(200), LIMIT, `admitted ${JSON.stringify([...byStatus])}`);
  assert.equal(byStatus.get(429), 45 - LIMIT);
});

test('without -enable-swarm the same flags leave every instance alone: the cluster limit admits everything', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const url = await backend(t);
  const routes = `r: * -> clusterRatelimit("g", ${LIMIT}, "1m") -> "${url}"`;
  const s = await startSkipjack(t, [...quiet, '-enable-ratelimits', `-swarm-redis-urls=${redis.address}`, `-inline-routes=${routes}`]);
  const byStatus = await spread([s], '/', 2 * LIMIT);
  assert.equal(byStatus.get(200), 2 * LIMIT);
  assert.doesNotMatch(s.stderr(), /swarm:/);
});

test('gossip mode, static membership: three instances admit at most limit + 2 across them', async (t) => {
  const url = await backend(t);
  const fleet = await gossipFleet(t, ['-enable-ratelimits', `-inline-routes=r: * -> clusterRatelimit("g", ${LIMIT}, "1m") -> "${url}"`]);
  const byStatus = await spread(fleet, '/', 45);
  const admitted = byStatus.get(200) ?? 0;
  t.diagnostic(`gossip, K=3, limit ${LIMIT}: admitted ${admitted} of 45`);
  assert.ok(admitted <= LIMIT + 2, `admitted ${admitted}`);
  // Conservative by at most one hit per instance per round, never more.
  assert.ok(admitted >= LIMIT - fleet.length, `admitted ${admitted}`);
  assert.equal(admitted + (byStatus.get(429) ?? 0), 45);
});

test('gossip mode: clusterLeakyBucketRatelimit fills its capacity across the instances, then refuses with Retry-After', async (t) => {
  const url = await backend(t);
  // Capacity 6, one unit leaking per hour: nothing leaks during the test.
  const fleet = await gossipFleet(t, ['-enable-ratelimits', `-inline-routes=r: * -> clusterLeakyBucketRatelimit("user-\${request.header.X-User}", 1, "1h", 6, 2) -> "${url}"`]);
  // The room moves to the instances that are busy within a gossip round or two; a round of 30 requests can end
  // within one gossip round on an idle machine, so up to six rounds fill it (once, two rounds under load ≈ 7
  // admitted 2). Never more than 3: every refusal meanwhile says when to come back (a share not yet moved says
  // 1 s, not 0).
  let admitted = 0;
  let sent = 0;
  const retryAfter = new Set<string | null>();
  for (let round = 0; round < 6 && admitted < 3; round++) {
    const byStatus = new Map<number, number>();
    await Promise.all(fleet.map(async (s, i) => {
      for (let k = i; k < 30; k += fleet.length) {
        const r = await fetch(s.base, { headers: { 'x-user': 'a', connection: 'close' }, signal: AbortSignal.timeout(10_000) });
        await r.arrayBuffer();
        byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
        if (r.status === 429) retryAfter.add(r.headers.get('retry-after'));
      }
    }));
    admitted += byStatus.get(200) ?? 0;
    sent += 30;
    assert.equal((byStatus.get(200) ?? 0) + (byStatus.get(429) ?? 0), 30);
  }
  t.diagnostic(`gossip leaky bucket, K=3, capacity 6, increment 2: admitted ${admitted} of ${sent}; Retry-After seen ${[...retryAfter].join(',')}`);
  assert.equal(admitted, 3, `admitted ${admitted} increments of 2 into a capacity of 6 in ${sent / 30} rounds`);
  for (const v of retryAfter) assert.ok(Number(v) >= 1, `a refusal said Retry-After ${v}`);
  const r = await fetch(fleet[0]!.base, { headers: { 'x-user': 'a', connection: 'close' } });
  await r.arrayBuffer();
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0, `Retry-After ${r.headers.get('retry-after')}`);
  // Another label is another bucket.
  assert.equal(await get(fleet[1]!.base, { 'x-user': 'b' }), 200);
});

test('gossip mode with -workers 2: the gossip node runs once per instance; workers decide through the primary', async (t) => {
  const url = await backend(t);
  const fleet = await gossipFleet(t, ['-enable-ratelimits', `-inline-routes=r: * -> clusterRatelimit("g", ${LIMIT}, "1m") -> "${url}"`], {
    workers: 2,
    // Nine processes start at once: from dist/ they skip type stripping, which a loaded machine feels.
    command: builtCommand(),
  });
  // One member per instance, not per worker.
  for (const s of fleet) assert.doesNotMatch(s.stderr(), /members live.*\b[4-9] of/);
  const byStatus = await spread(fleet, '/', 45);
  const admitted = byStatus.get(200) ?? 0;
  t.diagnostic(`gossip, K=3 x 2 workers, limit ${LIMIT}: admitted ${admitted} of 45`);
  assert.ok(admitted <= LIMIT + 2 && admitted >= LIMIT - fleet.length, `admitted ${admitted}`);
  assert.equal(admitted + (byStatus.get(429) ?? 0), 45);
});

test('Redis SIGKILLed: requests keep being answered from the fallback without waiting for a timeout, and return to Redis after its restart', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const url = await backend(t);
  // A generous command timeout: a request that waited for it would fail the 5 s client deadline below.
  const routes = `r: * -> clusterRatelimit("g", 1000, "1m") -> "${url}"`;
  const fleet = await Promise.all([0, 1, 2].map(() => startSkipjack(t, [
    ...quiet, '-enable-swarm', '-enable-ratelimits', `-swarm-redis-urls=${redis.address}`, `-inline-routes=${routes}`,
    '-swarm-redis-read-timeout=20s', '-swarm-redis-write-timeout=20s',
  ])));
  const store = STORE;
  const fallback = FALLBACK;
  assert.equal((await spread(fleet, '/', 9)).get(200), 9);
  assert.ok(await metric(fleet[0]!, store) > 0);

  await redis.kill('SIGKILL');
  await Promise.all(fleet.map((s) => s.waitFor(/swarm Redis shard unreachable/)));
  for (let round = 0; round < 5; round++) {
    const statuses = await Promise.all(fleet.map((s) => get(s.base + '/', {}, 5000)));
    assert.deepEqual(statuses, [200, 200, 200]);
  }
  for (const s of fleet) assert.ok(await metric(s, fallback) >= 5, 'decisions came from the fallback');

  const reachable = fleet.map((s) => s.stderr().match(/swarm Redis shard reachable/g)?.length ?? 0);
  await redis.restart();
  await until(() => fleet.every((s, i) => (s.stderr().match(/swarm Redis shard reachable/g)?.length ?? 0) > reachable[i]!), 'every instance back on Redis', 30_000);
  const before = await Promise.all(fleet.map((s) => metric(s, store)));
  assert.equal((await spread(fleet, '/', 9)).get(200), 9);
  const after = await Promise.all(fleet.map((s) => metric(s, store)));
  for (let i = 0; i < fleet.length; i++) assert.ok(after[i]! > before[i]!, `instance ${i} decides on Redis again`);
  // Each transition is logged once, not per request.
  for (const s of fleet) assert.equal(s.stderr().match(/swarm Redis shard unreachable/g)?.length, 1);
});

test('Redis and gossip together: while Redis is away the gossip limiter decides, and the fleet stays within limit + 2', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const url = await backend(t);
  const fleet = await gossipFleet(t, [
    '-enable-ratelimits', `-swarm-redis-urls=${redis.address}`, '-swarm-redis-read-timeout=2s',
    `-inline-routes=r: * -> clusterRatelimit("g", ${LIMIT}, "1m") -> "${url}"`,
  ]);
  for (const s of fleet) assert.match(s.stderr(), /swarm: Redis store, gossip as its fallback/);
  await redis.kill('SIGKILL');
  await Promise.all(fleet.map((s) => s.waitFor(/swarm Redis shard unreachable/)));
  const byStatus = await spread(fleet, '/', 45);
  const admitted = byStatus.get(200) ?? 0;
  t.diagnostic(`Redis down, gossip fallback, K=3, limit ${LIMIT}: admitted ${admitted} of 45`);
  assert.ok(admitted <= LIMIT + 2 && admitted >= LIMIT - fleet.length, `admitted ${admitted}`);
  const gossip = /^skipjack_swarm_ratelimit_decisions_total\{[^}]*source="gossip"[^}]*\} (\d+)/;
  let fromGossip = 0;
  for (const s of fleet) fromGossip += await metric(s, gossip);
  assert.equal(fromGossip, 45, 'every decision came from the gossip limiter');
});

for (const workers of [1, 2]) test(`shared breakers over gossip, -workers ${workers}: a dead backend is stopped fleet-wide after about threshold + K failures, and every instance answers 503`, async (t) => {
  let failing = false;
  let failures = 0;
  const b = await startBackend(t, (_req, res) => {
    if (!failing) return res.end('ok');
    failures++;
    res.statusCode = 500;
    res.end('down');
  });
  const threshold = 5;
  // With -workers 2 the primary owns each instance's breaker and shares it, once per instance.
  const fleet = await gossipFleet(t, ['-enable-breakers', `-inline-routes=r: * -> consecutiveBreaker(${threshold}, "1m") -> "${b.url}"`], { workers });
  assert.equal((await spread(fleet, '/', 6)).get(200), 6);
  failing = true;
  // Round-robin until every instance refuses (bounded); the breakers' state travels between rounds.
  let open: boolean[] = [false, false, false];
  for (let round = 0; round < 60 && !open.every(Boolean); round++) {
    const statuses = await Promise.all(fleet.map((s) => get(s.base + '/')));
    open = statuses.map((st, i) => open[i]! || st === 503);
  }
  assert.deepEqual(open, [true, true, true], 'every instance opened');
  t.diagnostic(`consecutiveBreaker(${threshold}), K=3: ${failures} failed requests reached the backend fleet-wide`);
  assert.ok(failures <= threshold + fleet.length, `${failures} failed requests reached the backend (per instance: ${threshold * fleet.length})`);
  for (const s of fleet) assert.equal(await get(s.base + '/'), 503);
});

test('-swarm-breaker-quorum-share outside 0..1 is a usage error naming the flag', async () => {
  const r = await runSkipjack([...quiet, '-enable-swarm', '-enable-breakers', '-swarm-static-self=127.0.0.1:1', '-swarm-breaker-quorum-share=1.5', '-inline-routes=r: * -> <shunt>']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /-swarm-breaker-quorum-share/);
});
