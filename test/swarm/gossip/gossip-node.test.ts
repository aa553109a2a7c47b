import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GossipBus } from '../../../swarm/gossip/gossip-bus.ts';
import type { GossipNode } from '../../../swarm/gossip/gossip-node.ts';
import { createGossipMetrics } from '../../../swarm/gossip/metrics.ts';
import { startMember } from '../../support/gossip-member-process.ts';
import { loopbackAddresses, staticNode } from '../../support/swarm.ts';
import { waitFor as waitForWithin } from '../../support/wait.ts';

/** Swarm conditions get 30 s: the suite runs beside other work on 2 cores. */
const waitFor: typeof waitForWithin = (what, probe, timeoutMs = 30_000, everyMs) => waitForWithin(what, probe, timeoutMs, everyMs);

async function startAll(nodes: GossipNode[], t: { after(fn: () => Promise<unknown>): void }): Promise<void> {
  t.after(() => Promise.all(nodes.map((n) => n.stop())));
  await Promise.all(nodes.map((n) => n.start()));
}

test('three nodes form a mesh from static membership and all see each other', async (t) => {
  const addrs = await loopbackAddresses(3);
  const nodes = addrs.map((a) => staticNode(a, addrs));
  await startAll(nodes, t);
  const all = [...addrs].sort();
  await waitFor('every node sees all three live', () => nodes.every((n) => n.live().join() === all.join()));
  for (const n of nodes) assert.deepEqual(n.known(), all);
});

test('SwarmBus delivers between nodes, never back to the sender, and unsubscribes', async (t) => {
  const addrs = await loopbackAddresses(3);
  const nodes = addrs.map((a) => staticNode(a, addrs));
  await startAll(nodes, t);
  const buses = nodes.map((n) => new GossipBus(n));
  await waitFor('mesh', () => nodes.every((n) => n.live().length === 3));
  const got: string[][] = [[], [], []];
  const unsub = buses.map((b, i) => b.subscribe('breakers', (m) => got[i]!.push(`${m.from}:${new TextDecoder().decode(m.payload)}`)));
  // gossipsub learns subscriptions asynchronously: every node probes until every other node has heard it.
  await waitFor('subscriptions propagated', async () => {
    await Promise.all(buses.map((b) => b.publish('breakers', new TextEncoder().encode('probe'))));
    return got.every((g, i) => addrs.every((a, j) => i === j || g.includes(`${a}:probe`)));
  }, 30_000, 50);
  // Late probes may still arrive: from here on only the real messages are looked at.
  const real = (i: number) => got[i]!.filter((m) => !m.endsWith(':probe'));
  await buses[1]!.publish('breakers', new TextEncoder().encode('open:backend-a'));
  await waitFor('delivered to 0 and 2', () => real(0).length === 1 && real(2).length === 1);
  assert.deepEqual(real(0), [`${addrs[1]}:open:backend-a`]);
  assert.deepEqual(real(2), [`${addrs[1]}:open:backend-a`]);
  assert.ok(!got[1]!.some((m) => m.startsWith(`${addrs[1]}:`)), 'own messages not delivered back');
  assert.deepEqual([...buses[2]!.members()], [...addrs].sort());
  assert.equal(buses[2]!.self, addrs[2]);
  unsub[2]!();
  await buses[0]!.publish('breakers', new TextEncoder().encode('second'));
  await waitFor('delivered to 1', () => real(1).length === 1);
  await buses[1]!.publish('breakers', new TextEncoder().encode('third'));
  await waitFor('delivered to 0', () => real(0).length === 2);
  assert.equal(real(2).length, 1, 'an unsubscribed handler gets nothing more');
});

test('a stopped node is forgotten at once (goodbye); its listed address stays known only while membership lists it', async (t) => {
  const addrs = await loopbackAddresses(3);
  const metrics = createGossipMetrics();
  const nodes = addrs.map((a, i) => staticNode(a, addrs, i === 0 ? { metrics } : {}));
  await startAll(nodes, t);
  await waitFor('mesh', () => nodes.every((n) => n.live().length === 3));
  await nodes[2]!.stop();
  await waitFor('node 2 gone from live views', () => nodes[0]!.live().length === 2 && nodes[1]!.live().length === 2);
  assert.ok(!nodes[0]!.known().includes(addrs[2]!), 'a member that said goodbye does not keep a share');
  const text = await metrics.registry.metrics();
  assert.match(text, /skipjack_swarm_members\{state="live"\} 2/);
  assert.match(text, /skipjack_swarm_gossip_messages_total\{direction="in",topic="members"\} [1-9]/);
  assert.match(text, /skipjack_swarm_gossip_bytes_total\{direction="out"\} [1-9]/);
});

test('a joining node that the others do not list is dialed back and becomes live and known everywhere', async (t) => {
  const addrs = await loopbackAddresses(4);
  const old = addrs.slice(0, 3);
  const nodes = old.map((a) => staticNode(a, old));
  await startAll(nodes, t);
  await waitFor('mesh of 3', () => nodes.every((n) => n.live().length === 3));
  const joiner = staticNode(addrs[3]!, addrs);
  await startAll([joiner], t);
  const all = [...addrs].sort().join();
  await waitFor('all four see all four', () => [...nodes, joiner].every((n) => n.live().join() === all && n.known().join() === all));
});

test('static membership: a listed member never heard from stops holding a share after the live TTL; one heard from keeps it while silent', async (t) => {
  const addrs = await loopbackAddresses(3);
  const a = staticNode(addrs[0]!, addrs, { liveTtlMs: 1500 });
  await startAll([a], t);
  // Starting: every listed member counts, so a newcomer never takes the whole limit before hearing the others.
  assert.equal(a.known().length, 3);
  const child = await startMember(addrs[1]!, addrs);
  t.after(() => child.stop());
  await waitFor('member 1 heard, member 2 (never started) dropped', () => a.live().length === 2 && a.known().join() === [addrs[0], addrs[1]].sort().join());
  // SIGKILL: no goodbye. Heard from once, member 1 keeps its share while silent (a partition looks the same).
  child.child.kill('SIGKILL');
  await waitFor('member 1 no longer live', () => a.live().length === 1);
  assert.equal(a.known().length, 2);
});
