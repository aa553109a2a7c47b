import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SwarmMessage } from '../../../src/circuit/ports.ts';
import { RedisSwarmBus } from '../../../swarm/redis/redis-bus.ts';
import { RedisShardRing } from '../../../swarm/redis/shard-ring.ts';
import { startRedis } from '../../support/redis-server.ts';
import { waitFor } from '../../support/wait.ts';
import { recordingLogger, storeOptions } from './helpers.ts';

test('pub/sub bus delivers between two instances over two shards, not back to the sender', async (t) => {
  const servers = await Promise.all([1, 2].map(() => startRedis()));
  t.after(() => Promise.all(servers.map((s) => s.stop())));
  const members = () => ['a', 'b'];
  const node = async (self: string) => {
    const log = recordingLogger();
    const ring = new RedisShardRing(storeOptions(servers.map((s) => s.url)), { log });
    await ring.start();
    const bus = new RedisSwarmBus({ ring, self, members, log, resyncMs: 50 });
    await bus.start();
    return { ring, bus };
  };
  const a = await node('a');
  const b = await node('b');
  t.after(async () => {
    for (const n of [a, b]) {
      await n.bus.stop();
      await n.ring.stop();
    }
  });
  await waitFor('connected', () => a.ring.connected() && b.ring.connected());
  const gotA: SwarmMessage[] = [];
  const gotB: SwarmMessage[] = [];
  a.bus.subscribe('breakers', (m) => gotA.push(m));
  const unsubscribe = b.bus.subscribe('breakers', (m) => gotB.push(m));
  const payload = new Uint8Array([1, 2, 3, 250]);
  // Subscriptions take effect asynchronously; publish until the first message arrives.
  await waitFor('first delivery', async () => {
    await a.bus.publish('breakers', payload);
    return gotB.length > 0;
  });
  assert.equal(gotB[0]!.from, 'a');
  assert.deepEqual([...gotB[0]!.payload], [1, 2, 3, 250]);
  await b.bus.publish('breakers', new TextEncoder().encode('open'));
  await waitFor('reply delivered', () => gotA.some((m) => new TextDecoder().decode(m.payload) === 'open'));
  assert.ok(gotA.every((m) => m.from === 'b'), 'own messages are not delivered back');
  unsubscribe();
  const before = gotB.length;
  // a marker on another topic proves later messages flowed; the unsubscribed handler got none of them
  const marker: SwarmMessage[] = [];
  b.bus.subscribe('marker', (m) => marker.push(m));
  await waitFor('marker', async () => {
    await a.bus.publish('breakers', payload);
    await a.bus.publish('marker', payload);
    return marker.length > 0;
  });
  assert.equal(gotB.length, before);
  assert.deepEqual(a.bus.members(), ['a', 'b']);
});
