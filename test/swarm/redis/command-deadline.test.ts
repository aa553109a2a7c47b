/**
 * The shard's command deadline (swarm/redis/command-deadline.ts) replaces ioredis's per-command timeout: a
 * hung Redis must still make decisions in flight fall back within the read + write timeout, and open the
 * breaker, without help from the heartbeat (here once a minute, so only the deadline can notice the hang).
 * Without the deadline check the decisions below never answer and the test times out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { CommandDeadline } from '../../../swarm/redis/command-deadline.ts';
import type { LimitSettings } from '../../../src/ratelimit/ports.ts';
import { createRedisStoreMetrics } from '../../../swarm/redis/metrics.ts';
import { RedisSwarmLimiter } from '../../../swarm/redis/redis-limiter.ts';
import { RedisShardRing } from '../../../swarm/redis/shard-ring.ts';
import { startRedis } from '../../support/redis-server.ts';
import { waitFor } from '../../support/wait.ts';
import { recordingLogger, storeOptions } from './helpers.ts';

const hour = (group: string, maxHits: number): LimitSettings => ({ group, maxHits, windowMs: 3_600_000 });

async function timeoutErrors(registry: Registry): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'skipjack_swarm_redis_errors_total');
  return (m?.values as { labels: { kind?: string }; value: number }[] | undefined)?.find((v) => v.labels.kind === 'timeout')?.value ?? 0;
}

test('hung Redis (SIGSTOP) with decisions in flight: the deadline fails them, they fall back, the breaker opens; SIGCONT brings the shard back', { timeout: 30_000 }, async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  t.after(() => redis.signal('SIGCONT'));
  const log = recordingLogger();
  const registry = new Registry();
  const metrics = createRedisStoreMetrics(registry);
  const ring = new RedisShardRing(storeOptions([redis.address], { readTimeoutMs: 100, writeTimeoutMs: 100, heartbeatMs: 60_000 }), { log, metrics });
  await ring.start();
  t.after(() => ring.stop());
  const limiter = new RedisSwarmLimiter({ ring, members: () => 1, metrics });
  await waitFor('connected', () => ring.connected());
  const limit = hour('deadline', 1000);
  assert.equal((await limiter.allow(limit, 'k0', false)).source, 'store');

  redis.signal('SIGSTOP');
  // Sent while the breaker is still closed: these reach the hung server and wait for replies that do not come.
  const inFlight = await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.allow(limit, `k${i % 5}`, false)));
  assert.deepEqual(new Set(inFlight.map((d) => `${d.source}/${d.allowed}`)), new Set(['fallback/true']));
  assert.equal(ring.shards()[0]!.available(), false, 'the deadline opened the breaker');
  assert.ok((await timeoutErrors(registry)) >= 5, 'one timed-out script run per key');
  const warn = log.lines.filter((l) => l.level === 'warn');
  assert.equal(warn.length, 1);
  assert.match(String(warn[0]!.fields?.error), /unanswered after 200 ms/);
  // While open, nothing is sent: decisions fall back at once.
  assert.equal((await limiter.allow(limit, 'k9', false)).source, 'fallback');

  redis.signal('SIGCONT');
  await waitFor('store decisions again', async () => (await limiter.allow(limit, 'k0', false)).source === 'store');
});

test('a shard whose Redis hangs still closes: QUIT fails at the deadline and the connection is dropped', { timeout: 30_000 }, async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  t.after(() => redis.signal('SIGCONT'));
  const ring = new RedisShardRing(storeOptions([redis.address], { readTimeoutMs: 50, writeTimeoutMs: 50, heartbeatMs: 60_000 }), { log: recordingLogger() });
  await ring.start();
  await waitFor('connected', () => ring.connected());
  const shard = ring.shards()[0]!;
  redis.signal('SIGSTOP');
  await ring.stop();
  await waitFor('connection dropped', () => shard.client.status === 'end');
});

/**
 * The ordering inside one late loop turn cannot be forced with a real server, so this test gives the check a
 * stand-in for ioredis's reply queue (the part of the client it reads) and a real loopback socket whose data
 * settles the command, as ioredis's reply parser would.
 */
test('a late event loop does not fail a command whose reply is already in the socket', { timeout: 30_000 }, async (t) => {
  interface Cmd { isSettled: boolean; rejected: boolean; reject(err: Error): void }
  const cmd = (): Cmd => ({ isSettled: false, rejected: false, reject(this: Cmd) { this.isSettled = this.rejected = true; } });
  const items: { command: Cmd }[] = [];
  let peeks = 0;
  const commandQueue = {
    get length() { return items.length; },
    peekAt: (i: number) => items[i],
    peekBack: () => (peeks++, items.at(-1)),
  };
  let expired = 0;
  const deadline = new CommandDeadline({ commandQueue } as unknown as Redis, 40, (n) => void (expired += n));
  deadline.start();
  t.after(() => deadline.stop());

  const a = cmd();
  items.push({ command: a });
  await waitFor('an unanswered command fails', () => a.rejected);
  assert.equal(expired, 1);
  items.shift();

  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [[peer]] = (await Promise.all([once(server, 'connection'), once(client, 'connect')])) as [[Socket], unknown];
  t.after(() => {
    client.destroy();
    peer.destroy();
    server.close();
  });
  const b = cmd();
  client.on('data', () => {
    b.isSettled = true;
    items.shift();
  });
  items.push({ command: b });
  const seen = peeks;
  await waitFor('a tick marked the command', () => peeks > seen);
  // The reply arrives, then this process is late by more than the deadline before it reads it. Blocking in
  // the check phase puts the next turn's timers (the deadline's tick) before the poll that reads the reply.
  await new Promise<void>((resolve) =>
    setImmediate(() => {
      peer.write('+OK\r\n');
      const until = performance.now() + 150;
      while (performance.now() < until);
      resolve();
    }),
  );
  await waitFor('the reply was read', () => b.isSettled);
  await new Promise((r) => setImmediate(r));
  assert.equal(b.rejected, false);
  assert.equal(expired, 1);
});
