import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import type { ClusterState } from '../../../src/dataclients/kubernetes/convert/types.ts';
import { RedisSwarmLimiter } from '../../../swarm/redis/redis-limiter.ts';
import { RedisShardRing } from '../../../swarm/redis/shard-ring.ts';
import { kubernetesShardSource, parseShardList, remoteShardSource } from '../../../swarm/redis/shard-sources.ts';
import { startRedis, type RedisServer } from '../../support/redis-server.ts';
import { waitFor } from '../../support/wait.ts';
import { recordingLogger, storeOptions } from './helpers.ts';

async function dbsizes(servers: RedisServer[]): Promise<number[]> {
  return Promise.all(
    servers.map(async (s) => {
      const c = new Redis({ port: s.port, host: '127.0.0.1', lazyConnect: true });
      try {
        await c.connect();
        // Counter keys only: a shard also holds its epoch key (skj:epoch).
        return (await c.keys('skj:sw:*')).length;
      } finally {
        c.disconnect();
      }
    }),
  );
}

test('keys spread over three shards and follow a changed shard list', async (t) => {
  const servers = await Promise.all([1, 2, 3].map(() => startRedis()));
  t.after(() => Promise.all(servers.map((s) => s.stop())));
  const log = recordingLogger();
  const ring = new RedisShardRing(storeOptions(servers.slice(0, 2).map((s) => s.url), { hashAlgorithm: 'jump' }), { log });
  t.after(() => ring.stop());
  await ring.start();
  await waitFor('connected', () => ring.connected());
  const limiter = new RedisSwarmLimiter({ ring, members: () => 1 });
  const limit = { group: 'spread', maxHits: 5, windowMs: 60_000 };
  const decide = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => limiter.allow(limit, `client-${i}`, false)));
  assert.ok((await decide(300)).every((d) => d.source === 'store'));
  const [a, b, c] = await dbsizes(servers);
  assert.equal(a! + b!, 300);
  assert.ok(a! > 60 && b! > 60, `uneven: ${a}, ${b}`);
  assert.equal(c, 0);

  await ring.setShards(servers.map((s) => s.address));
  await waitFor('third shard connected', () => ring.shards().length === 3 && ring.connected());
  assert.ok((await decide(300)).every((d) => d.source === 'store'));
  const after = await dbsizes(servers);
  // keys that moved to the new shard start there; nothing else moved
  assert.ok(after[2]! > 30, `new shard got ${after[2]}`);
  assert.equal(after[0]! + after[1]! + after[2]!, 300 + after[2]!);

  await ring.setShards([servers[0]!.address]);
  assert.equal(ring.shards().length, 1);
  assert.ok(log.lines.some((l) => l.msg === 'swarm Redis shards updated' && l.fields?.shards === servers[0]!.address));
});

test('remote shard list: polled, kept when the server fails', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  let body: unknown = { endpoints: [{ address: redis.address }] };
  let status = 200;
  let polls = 0;
  const srv = createServer((_req, res) => {
    polls++;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => srv.close(() => r())));
  const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/swarm/redis/shards`;
  const log = recordingLogger();
  const ring = new RedisShardRing(storeOptions([], { remoteUrl: url, updateIntervalMs: 20 }), { log });
  t.after(() => ring.stop());
  await ring.start();
  assert.deepEqual(ring.shards().map((s) => s.name), [redis.address]);
  status = 500;
  const seen = polls;
  await waitFor('failed polls', () => polls > seen + 3);
  assert.deepEqual(ring.shards().map((s) => s.name), [redis.address], 'the last list stays');
  assert.equal(log.lines.filter((l) => l.msg.includes('shard list unavailable')).length, 1, 'logged once');
  status = 200;
  body = { endpoints: [] };
  await waitFor('empty list applied', () => ring.shards().length === 0);
  const limiter = new RedisSwarmLimiter({ ring, members: () => 4 });
  assert.equal((await limiter.allow({ group: 'g', maxHits: 8, windowMs: 1000 }, 'k', false)).source, 'fallback');
});

test('route server answer format', () => {
  assert.deepEqual(parseShardList({ endpoints: [{ address: '10.0.0.1:6379' }] }), ['10.0.0.1:6379']);
  assert.throws(() => parseShardList({ shards: [] }), /no "endpoints" array/);
  assert.throws(() => parseShardList({ endpoints: [{ addr: 'x' }] }), /endpoint 0 has no "address"/);
});

test('Kubernetes endpoints: the watched state drives the shard list', async (t) => {
  const servers = await Promise.all([1, 2].map(() => startRedis()));
  t.after(() => Promise.all(servers.map((s) => s.stop())));
  let push: ((s: ClusterState) => void) | undefined;
  let unsubscribed = false;
  const watch = (on: (s: ClusterState) => void) => {
    push = on;
    return () => void (unsubscribed = true);
  };
  const state = (ports: number[]) =>
    ({
      endpoints: [
        {
          metadata: { namespace: 'kube-system', name: 'redis' },
          subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: ports.map((port) => ({ port })) }],
        },
      ],
      endpointSlices: [],
    }) as unknown as ClusterState;
  const ring = new RedisShardRing(storeOptions([]), { log: recordingLogger(), source: kubernetesShardSource(watch, { namespace: 'kube-system', name: 'redis', port: 0 }) });
  await ring.start();
  push!(state([servers[0]!.port]));
  await waitFor('one shard', () => ring.shards().length === 1 && ring.connected());
  push!(state(servers.map((s) => s.port)));
  await waitFor('two shards', () => ring.shards().length === 2 && ring.connected());
  assert.deepEqual(ring.shards().map((s) => s.name).sort(), servers.map((s) => s.address).sort());
  await ring.stop();
  assert.equal(unsubscribed, true);
});
