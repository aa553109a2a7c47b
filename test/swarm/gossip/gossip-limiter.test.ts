import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GossipLimiter } from '../../../swarm/gossip/gossip-limiter.ts';
import type { GossipNode } from '../../../swarm/gossip/gossip-node.ts';
import type { LimitSettings } from '../../../src/ratelimit/ports.ts';
import { loopbackAddresses, staticNode } from '../../support/swarm.ts';
import { waitFor as waitForWithin } from '../../support/wait.ts';

/** Swarm conditions get 30 s: the suite runs beside other work on 2 cores. */
const waitFor: typeof waitForWithin = (what, probe, timeoutMs = 30_000, everyMs) => waitForWithin(what, probe, timeoutMs, everyMs);

interface Member {
  node: GossipNode;
  limiter: GossipLimiter;
}

async function swarm(n: number, t: { after(fn: () => Promise<unknown>): void }): Promise<Member[]> {
  const addrs = await loopbackAddresses(n);
  const members = addrs.map((a) => {
    const node = staticNode(a, addrs);
    return { node, limiter: new GossipLimiter({ node, maxMsgBuffer: 4 << 20 }) };
  });
  t.after(() => Promise.all(members.map(async (m) => (await m.limiter.stop(), await m.node.stop()))));
  await Promise.all(members.map(async (m) => (await m.node.start(), await m.limiter.start())));
  await waitFor('all live and converged', () => members.every((m) => m.node.live().length === n && m.limiter.converged()));
  return members;
}

/** Bounded load: `perNode` requests to every member, each member's requests `gapMs` apart, all members at once. */
async function load(members: Member[], limit: LimitSettings, key: string, perNode: number, gapMs: number): Promise<number[]> {
  return Promise.all(
    members.map(async (m) => {
      let admitted = 0;
      for (let i = 0; i < perNode; i++) {
        if ((await m.limiter.allow(limit, key, false)).allowed) admitted++;
        await sleep(gapMs); // pacing of the load generator, not a wait for a condition
      }
      return admitted;
    }),
  );
}

test('5 nodes, limit 10 per hour, load spread across all: the fleet admits at least the limit and at most limit + 2', async (t) => {
  const members = await swarm(5, t);
  const limit = { group: 'login', maxHits: 10, windowMs: 3_600_000 };
  const perNode = await load(members, limit, '10.0.0.1', 40, 5);
  const total = perNode.reduce((a, b) => a + b, 0);
  t.diagnostic(`admitted per node ${perNode.join(',')} = ${total}`);
  assert.ok(total >= 10 && total <= 12, `admitted ${total}`);
  // Every member ends up seeing the fleet's count.
  await waitFor('counts gossiped', async () => {
    const c = await Promise.all(members.map((m) => m.limiter.count(limit, '10.0.0.1')));
    return c.every((c) => Math.round(c) === total);
  });
});

test('a limit smaller than the member count still admits exactly the limit', async (t) => {
  const members = await swarm(5, t);
  const limit = { group: 'tiny', maxHits: 3, windowMs: 3_600_000 };
  const perNode = await load(members, limit, 'k', 30, 5);
  const total = perNode.reduce((a, b) => a + b, 0);
  t.diagnostic(`admitted per node ${perNode.join(',')} = ${total}`);
  assert.equal(total, 3);
});

test('one hot member gets the whole limit once its demand is known; other keys and groups are independent', async (t) => {
  const members = await swarm(3, t);
  const limit = { group: 'api', maxHits: 30, windowMs: 3_600_000 };
  const [hot] = await load([members[0]!], limit, 'k', 200, 2);
  t.diagnostic(`hot member admitted ${hot}`);
  assert.equal(hot, 30);
  const other = await members[1]!.limiter.allow({ ...limit, group: 'other' }, 'k', false);
  assert.ok(other.allowed);
  const refused = await members[2]!.limiter.allow(limit, 'k', false);
  assert.equal(refused.allowed, false);
  assert.ok(refused.retryAfterMs > 0);
});

test('a member that stops is forgotten: its counts stop counting and its part of the limit returns', async (t) => {
  const members = await swarm(3, t);
  const limit = { group: 'g', maxHits: 30, windowMs: 3_600_000 };
  const [admitted] = await load([members[2]!], limit, 'k', 200, 2);
  assert.equal(admitted, 30);
  await waitFor('count seen by member 0', async () => Math.round(await members[0]!.limiter.count(limit, 'k')) === 30);
  await members[2]!.limiter.stop();
  await members[2]!.node.stop();
  await waitFor('member 2 forgotten', async () => members[0]!.node.live().length === 2 && (await members[0]!.limiter.count(limit, 'k')) === 0);
  const [a] = await load([members[0]!], limit, 'k', 200, 2);
  assert.equal(a, 30, 'the two remaining members share the whole limit again');
});

test('without a running node: fail-closed refuses, otherwise this instance decides alone with its part', async () => {
  const [addr, other] = await loopbackAddresses(2);
  const node = staticNode(addr!, [addr!, other!]);
  const limiter = new GossipLimiter({ node, maxMsgBuffer: 1 << 20 });
  const limit = { group: 'g', maxHits: 4, windowMs: 60_000 };
  const closed = await limiter.allow(limit, 'k', true);
  assert.deepEqual([closed.allowed, closed.source], [false, 'fail-closed']);
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await limiter.allow(limit, 'k', false));
  assert.deepEqual(results.map((r) => r.allowed), [true, true, false, false]);
  assert.equal(results[0]!.source, 'fallback');
});

test('a joining member admits no more than its part before it has heard the others, and the fleet keeps the limit', async (t) => {
  const addrs = await loopbackAddresses(4);
  // The old members hold the listed joiner's part only while it is within its grace of never having been heard
  // from (the live TTL after their start); on a busy machine their load can outlast a short one, and then they
  // rightly take the whole limit before the joiner comes. A grace longer than the test keeps the premise.
  const grace = { liveTtlMs: 120_000 };
  const old = addrs.slice(0, 3).map((a) => {
    const node = staticNode(a, addrs, grace);
    return { node, limiter: new GossipLimiter({ node, maxMsgBuffer: 4 << 20 }) };
  });
  t.after(() => Promise.all(old.map(async (m) => (await m.limiter.stop(), await m.node.stop()))));
  await Promise.all(old.map(async (m) => (await m.node.start(), await m.limiter.start())));
  await waitFor('the three see each other', () => old.every((m) => m.node.live().length === 3));
  const limit = { group: 'join', maxHits: 100, windowMs: 3_600_000 };
  const oldAdmitted = (await load(old, limit, 'k', 40, 2)).reduce((a, b) => a + b, 0);
  assert.ok(oldAdmitted <= 75, `the old members admitted ${oldAdmitted}, more than 3 of 4 listed parts`);
  const node = staticNode(addrs[3]!, addrs, grace);
  const joiner = { node, limiter: new GossipLimiter({ node, maxMsgBuffer: 4 << 20 }) };
  t.after(async () => (await joiner.limiter.stop(), await joiner.node.stop()));
  await joiner.node.start();
  await joiner.limiter.start();
  // Synchronously, so nothing can arrive in between: the joiner has heard no one yet.
  let first = 0;
  for (let i = 0; i < 200; i++) if (joiner.limiter.decide(limit, 'k', false).allowed) first++;
  t.diagnostic(`old members admitted ${oldAdmitted}; the joiner before hearing anyone ${first}`);
  assert.ok(first <= 25, `the joiner admitted ${first}, more than its part (100 / 4 listed members)`);
  await waitFor('the joiner converged', () => joiner.node.live().length === 4 && joiner.limiter.converged());
  const later = (await load([...old, joiner], limit, 'k', 60, 2)).reduce((a, b) => a + b, 0);
  const total = oldAdmitted + first + later;
  t.diagnostic(`fleet total ${total}`);
  assert.ok(total <= 102, `fleet admitted ${total}`);
});

test('demand that ramps on every member at once: each weighs the others and itself by their last reports, so the fleet over-admits by a fraction of the limit', async (t) => {
  // Weighing itself by attempts its peers have not seen yet made every member take most of the remainder at the
  // same flush (mean admitted 140–190 of 100 over such runs; one trial 279). A share taken lazily after a quiet
  // round and announced only at the next flush still let the peers' coinciding flushes divide it again (mean
  // 103–137; 136.8 on a CI machine). Announced at once, what is left is the delivery latency of that announcement.
  // The worst case: the members' flushes coincide (their timers started in one tick), so each takes its share
  // from the same view, before any of the others' new reservations can arrive.
  const addrs = await loopbackAddresses(3);
  const members = addrs.map((a) => {
    const node = staticNode(a, addrs);
    return { node, limiter: new GossipLimiter({ node, maxMsgBuffer: 4 << 20 }) };
  });
  t.after(() => Promise.all(members.map(async (m) => (await m.limiter.stop(), await m.node.stop()))));
  await Promise.all(members.map((m) => m.node.start()));
  for (const m of members) void m.limiter.start(); // synchronous up to its timer: all three in this tick
  await waitFor('all live and converged', () => members.every((m) => m.node.live().length === 3 && m.limiter.converged()));
  const totals: number[] = [];
  for (let trial = 0; trial < 6; trial++) {
    const limit = { group: 'ramp', maxHits: 100, windowMs: 3_600_000 };
    // One attempt each, reported, then a quiet round: every member's reported demand is 1.
    for (const m of members) m.limiter.decide(limit, `k${trial}`, false);
    await waitFor('first attempts reported', async () => {
      const c = await Promise.all(members.map((m) => m.limiter.count(limit, `k${trial}`)));
      return c.every((x) => Math.round(x) === members.length);
    });
    await sleep(300); // the load's shape: three quiet flush intervals, so every member gives its reservation back
    const perNode = await load(members, limit, `k${trial}`, 300, 1);
    totals.push(perNode.reduce((a, b) => a + b, 0) + members.length);
  }
  const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
  t.diagnostic(`admitted per trial ${totals.join(',')} (limit 100), mean ${mean}`);
  assert.ok(mean <= 110, `mean admitted ${mean}`);
});
