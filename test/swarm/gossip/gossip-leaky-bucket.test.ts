/**
 * clusterLeakyBucketRatelimit over gossip: real libp2p nodes on 127.0.0.1, Skipper's semantics (an increment
 * is added whole or refused; one above the capacity never fits), the capacity shared by the swarm, leaking at
 * the bucket's rate, departed members' levels forgotten, joiners converging.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeBucketReport, encodeBucketReport, type BucketReportEntry } from '../../../swarm/gossip/bucket-report-codec.ts';
import { GossipLeakyBucket } from '../../../swarm/gossip/gossip-leaky-bucket.ts';
import type { GossipNode } from '../../../swarm/gossip/gossip-node.ts';
import type { LeakyBucketSettings } from '../../../src/ratelimit/ports.ts';
import { loopbackAddresses, staticNode } from '../../support/swarm.ts';
import { waitFor as waitForWithin } from '../../support/wait.ts';

const waitFor: typeof waitForWithin = (what, probe, timeoutMs = 30_000, everyMs) => waitForWithin(what, probe, timeoutMs, everyMs);

interface Member {
  node: GossipNode;
  bucket: GossipLeakyBucket;
}

function member(addr: string, addrs: string[]): Member {
  const node = staticNode(addr, addrs);
  return { node, bucket: new GossipLeakyBucket({ node, maxMsgBuffer: 4 << 20 }) };
}

async function start(ms: Member[], t: { after(fn: () => Promise<unknown>): void }): Promise<void> {
  t.after(() => Promise.all(ms.map(async (m) => (await m.bucket.stop(), await m.node.stop()))));
  await Promise.all(ms.map(async (m) => (await m.node.start(), await m.bucket.start())));
}

async function swarm(n: number, t: { after(fn: () => Promise<unknown>): void }): Promise<Member[]> {
  const addrs = await loopbackAddresses(n);
  const ms = addrs.map((a) => member(a, addrs));
  await start(ms, t);
  await waitFor('all live and converged', () => ms.every((m) => m.node.live().length === n && m.bucket.converged()));
  return ms;
}

/** `perNode` adds on every member, `gapMs` apart, all members at once; units admitted per member. */
async function load(ms: Member[], b: LeakyBucketSettings, label: string, increment: number, perNode: number, gapMs: number): Promise<number[]> {
  return Promise.all(ms.map(async (m) => {
    let units = 0;
    for (let i = 0; i < perNode; i++) {
      if ((await m.bucket.add(b, label, increment, false)).allowed) units += increment;
      await sleep(gapMs); // pacing of the load generator, not a wait for a condition
    }
    return units;
  }));
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * Loads in bounded rounds (at most 20 of `perNode` adds per member) until `target` units are admitted, then one
 * more round: on a busy machine a reservation round can outlast one burst. Units per member over all rounds.
 */
async function loadUntil(ms: Member[], b: LeakyBucketSettings, label: string, increment: number, target: number, perNode = 30): Promise<number[]> {
  const units = ms.map(() => 0);
  for (let round = 0; round < 20 && sum(units) < target; round++) {
    (await load(ms, b, label, increment, perNode, 5)).forEach((u, i) => (units[i]! += u));
  }
  (await load(ms, b, label, increment, perNode, 5)).forEach((u, i) => (units[i]! += u));
  return units;
}
/** Leaks one unit per hour: nothing leaks during a test. */
const slow = (capacity: number): LeakyBucketSettings => ({ capacity, emissionMs: 3_600_000 });

test('3 nodes, load spread across all: the fleet fills the bucket exactly to its capacity, then refuses with the wait', async (t) => {
  const ms = await swarm(3, t);
  const perNode = await loadUntil(ms, slow(10), 'user-a', 1, 10);
  t.diagnostic(`units per node ${perNode.join(',')}`);
  assert.equal(sum(perNode), 10);
  const refused = await ms[0]!.bucket.add(slow(10), 'user-a', 1, false);
  assert.equal(refused.allowed, false);
  // One unit leaks per hour: the next one fits in about an hour.
  assert.ok(refused.retryAfterMs > 3_000_000 && refused.retryAfterMs <= 3_600_000, String(refused.retryAfterMs));
  await waitFor('every member sees the fleet level', () => ms.every((m) => Math.round(m.bucket.level(slow(10), 'user-a')) === 10));
  // Another label, and another bucket shape under the same label, are separate buckets.
  assert.ok((await ms[1]!.bucket.add(slow(10), 'user-b', 1, false)).allowed);
  assert.ok((await ms[1]!.bucket.add(slow(11), 'user-a', 1, false)).allowed);
});

test('increments are added whole or refused; one above the capacity never fits', async (t) => {
  const ms = await swarm(3, t);
  const perNode = await loadUntil(ms, slow(10), 'k', 4, 8);
  t.diagnostic(`units per node ${perNode.join(',')}`);
  assert.equal(sum(perNode), 8, 'two increments of 4 fit in 10, a third does not');
  const big = await ms[0]!.bucket.add(slow(10), 'fresh', 11, false);
  assert.deepEqual([big.allowed, big.retryAfterMs], [false, 0]);
});

test('the bucket leaks at its rate across the swarm, not once per member', async (t) => {
  const ms = await swarm(3, t);
  const b = { capacity: 3, emissionMs: 100 };
  const began = Date.now();
  const perNode = await load(ms, b, 'k', 1, 100, 10);
  const elapsed = Date.now() - began;
  const total = sum(perNode);
  const bound = b.capacity + Math.ceil(elapsed / b.emissionMs) + 1;
  t.diagnostic(`admitted ${total} in ${elapsed} ms (bucket bound ${bound}; leaking once per member would allow ~${3 * bound})`);
  assert.ok(total > b.capacity, 'it leaks');
  assert.ok(total <= bound, `admitted ${total} > ${bound}`);
});

test('a member that stops: the units it added stay in the bucket, its reservation is forgotten', async (t) => {
  const ms = await swarm(3, t);
  // Capacity 9 of 3 members: a member's first requests may take its equal part, 3, at once.
  const b = slow(9);
  const [filled] = await load([ms[2]!], b, 'k', 1, 3, 5);
  assert.equal(filled, 3);
  // Member 2 reserves part of the rest while it is busy.
  await waitFor('level seen by member 0', () => Math.round(ms[0]!.bucket.level(b, 'k')) === 3);
  await ms[2]!.bucket.stop();
  await ms[2]!.node.stop();
  await waitFor('member 2 forgotten', () => ms[0]!.node.live().length === 2);
  const [a] = await loadUntil([ms[0]!], b, 'k', 1, 6);
  assert.equal(a, 6, 'the remaining members get the room the departed one left, not the units it added');
});

test('a joining member converges: it sees the level the swarm reached before it came, and the fill stays within the error bound', async (t) => {
  const addrs = await loopbackAddresses(4);
  const ms = addrs.slice(0, 3).map((a) => member(a, addrs.slice(0, 3)));
  await start(ms, t);
  await waitFor('mesh', () => ms.every((m) => m.bucket.converged() && m.node.live().length === 3));
  const before = sum(await load(ms, slow(12), 'k', 1, 2, 5));
  assert.ok(before > 0 && before < 12);
  const joiner = member(addrs[3]!, addrs);
  await start([joiner], t);
  await waitFor('the joiner sees the fleet level', () => joiner.bucket.converged() && Math.round(joiner.bucket.level(slow(12), 'k')) === before);
  // And the swarm knows the joiner: until a member counts it live, that member divides the room among the three
  // it knows while the joiner takes its part of a four-way division (docs/swarm.md, "Members").
  await waitFor('every member sees the joiner', () => ms.every((m) => m.node.live().length === 4 && m.bucket.converged()));
  const after = sum(await loadUntil([...ms, joiner], slow(12), 'k', 1, 12 - before));
  // Filled, and over the capacity by no more than the error bound allows (docs/swarm.md, "Error bound": a share
  // taken from a view that lacks a report in flight), held here to one increment per member besides the one that
  // filled it — less than admitting against each member's own view would let through. Observed: one unit over in
  // 3 of 240 quiet runs; two over once in about 40 runs beside a million-route load.
  t.diagnostic(`admitted ${before} + ${after} of 12`);
  assert.ok(before + after >= 12 && before + after <= 12 + 3, `admitted ${before} + ${after} of 12`);
});

test('without a running node: fail-closed refuses, otherwise this instance alone with its part of the capacity', async () => {
  const [addr, other] = await loopbackAddresses(2);
  const node = staticNode(addr!, [addr!, other!]);
  const bucket = new GossipLeakyBucket({ node, maxMsgBuffer: 1 << 20 });
  const closed = await bucket.add(slow(4), 'k', 1, true);
  assert.deepEqual([closed.allowed, closed.source], [false, 'fail-closed']);
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await bucket.add(slow(4), 'k', 1, false));
  assert.deepEqual(results.map((r) => r.allowed), [true, true, false, false]);
  assert.equal(results[0]!.source, 'fallback');
});

test('reports round-trip in bounded parts; malformed ones are refused whole', () => {
  const entries = Array.from({ length: 50 }, (_, i): BucketReportEntry => [`label-${i}`, 10, 100, 12345, i, i / 3, i % 4, i, i % 2]);
  const parts = encodeBucketReport(true, entries, 600);
  assert.ok(parts.length > 1 && parts.every((p) => p.length <= 600));
  const back = parts.map(decodeBucketReport);
  assert.deepEqual(back.flatMap((r) => r.entries), entries);
  assert.deepEqual(back.map((r) => r.full), [...new Array(parts.length - 1).fill(false), true]);
  const bad = new TextEncoder().encode(JSON.stringify({ f: 1, e: [['k', 10, 100, 1, 1, -1, 0, 0, 0]] }));
  assert.throws(() => decodeBucketReport(bad), /malformed/);
  assert.throws(() => decodeBucketReport(new TextEncoder().encode('{')));
});
