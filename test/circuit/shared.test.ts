/**
 * Unit test of the shared-breaker logic: several registries joined by an in-process SwarmBus. The
 * integration test over real gossip nodes is the lead's, after merging the swarm transports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SwarmBus, SwarmMessage } from '../../src/circuit/ports.ts';
import { REFUSED, type Breaker } from '../../src/circuit/breaker.ts';
import { BreakerRegistry } from '../../src/circuit/registry.ts';
import { parseBreakerFlag } from '../../src/circuit/settings.ts';
import { SharedBreakers } from '../../src/circuit/shared.ts';

/** Members on one hub; delivery is synchronous, so each step's effects are visible at once. */
class Hub {
  readonly subs = new Map<string, Map<string, (m: SwarmMessage) => void>>();
  readonly live = new Set<string>();
  sent = 0;
  join(self: string): SwarmBus {
    this.live.add(self);
    return {
      self,
      members: () => [...this.live],
      publish: async (topic, payload) => {
        this.sent++;
        for (const [id, f] of this.subs.get(topic) ?? []) if (id !== self && this.live.has(id)) f({ from: self, payload });
      },
      subscribe: (topic, f) => {
        let m = this.subs.get(topic);
        if (m === undefined) this.subs.set(topic, (m = new Map()));
        m.set(self, f);
        return () => m.delete(self);
      },
    };
  }
}

interface Node {
  id: string;
  registry: BreakerRegistry;
  shared: SharedBreakers;
}

async function fleet(n: number, flag = 'failures=5,timeout=10s', clock = { now: 0 }): Promise<Node[]> {
  const hub = new Hub();
  const nodes: Node[] = [];
  for (let i = 0; i < n; i++) {
    const id = `node-${i}`;
    const registry = new BreakerRegistry([parseBreakerFlag(flag)], () => clock.now);
    const shared = new SharedBreakers(registry, hub.join(id));
    await shared.start();
    nodes.push({ id, registry, shared });
  }
  return nodes;
}

const HOST = 'backend:80';

function breakerOf(n: Node): Breaker {
  return n.registry.get(HOST, null)!;
}

/** One request through node n's breaker; false when refused. */
function request(n: Node, success: boolean, now: number): boolean {
  const b = breakerOf(n);
  const t = b.allow(now);
  if (t === REFUSED) return false;
  b.done(t, success, now);
  return true;
}

test('a dead backend: the fleet opens after about threshold failures in total, not K × threshold', async () => {
  const nodes = await fleet(5);
  for (const n of nodes) breakerOf(n);
  let failures = 0;
  for (let round = 0; round < 10; round++) {
    for (const n of nodes) if (request(n, false, 0)) failures++;
  }
  assert.ok(failures <= 5 + nodes.length, `${failures} failed requests reached the backend`);
  for (const n of nodes) {
    assert.equal(breakerOf(n).state, 'open', `${n.id} open`);
    assert.equal(breakerOf(n).fleetOpen, true);
  }
});

test('one bad node: only its own breaker opens', async () => {
  const nodes = await fleet(5);
  for (const n of nodes) breakerOf(n);
  for (let i = 0; i < 20; i++) {
    request(nodes[0]!, false, 0);
    for (const n of nodes.slice(1)) request(n, true, 0);
  }
  // A stray failure elsewhere does not tip it either.
  request(nodes[1]!, false, 0);
  assert.equal(breakerOf(nodes[0]!).state, 'open');
  assert.equal(breakerOf(nodes[0]!).fleetOpen, false, 'opened on its own evidence');
  for (const n of nodes.slice(1)) assert.equal(breakerOf(n).state, 'closed', `${n.id} stays closed`);
});

test('half-open probing is coordinated: at most half-open-requests probes across the fleet, then all close', async () => {
  const clock = { now: 0 };
  const nodes = await fleet(4, 'failures=4,timeout=10s,half-open-requests=2', clock);
  for (const n of nodes) breakerOf(n);
  for (let round = 0; round < 3; round++) for (const n of nodes) request(n, false, clock.now);
  for (const n of nodes) assert.equal(breakerOf(n).state, 'open');
  clock.now = 10_001;
  const tickets: Array<{ n: Node; t: number }> = [];
  for (let i = 0; i < 5; i++) {
    for (const n of nodes) {
      const t = breakerOf(n).allow(clock.now);
      if (t !== REFUSED) tickets.push({ n, t });
    }
  }
  assert.equal(tickets.length, 2, 'two probes fleet-wide');
  assert.equal(new Set(tickets.map((x) => x.n.id)).size, 1, 'from the one designated prober');
  for (const { n, t } of tickets) breakerOf(n).done(t, true, clock.now);
  for (const n of nodes) assert.equal(breakerOf(n).state, 'closed', `${n.id} closed after the fleet's probes succeeded`);
});

test('a failed fleet probe reopens every breaker with a fresh timeout', async () => {
  const clock = { now: 0 };
  const nodes = await fleet(3, 'failures=3,timeout=10s', clock);
  for (const n of nodes) breakerOf(n);
  for (let round = 0; round < 2; round++) for (const n of nodes) request(n, false, clock.now);
  clock.now = 10_001;
  let prober: Node | null = null;
  for (const n of nodes) {
    const t = breakerOf(n).allow(clock.now);
    if (t !== REFUSED) {
      prober = n;
      breakerOf(n).done(t, false, clock.now);
    }
  }
  assert.ok(prober !== null);
  clock.now = 19_000;
  for (const n of nodes) assert.equal(breakerOf(n).allow(clock.now), REFUSED, `${n.id} still open within the new timeout`);
});

test('a silent prober: the others probe themselves after two timeouts', async () => {
  const clock = { now: 0 };
  const nodes = await fleet(3, 'failures=3,timeout=10s', clock);
  for (const n of nodes) breakerOf(n);
  for (let round = 0; round < 2; round++) for (const n of nodes) request(n, false, clock.now);
  clock.now = 10_001;
  const allowed = nodes.filter((n) => breakerOf(n).allow(clock.now) !== REFUSED);
  assert.equal(allowed.length, 1);
  clock.now = 20_001;
  const later = nodes.filter((n) => n !== allowed[0] && breakerOf(n).allow(clock.now) !== REFUSED);
  assert.equal(later.length, 2, 'fallback to local probing');
});

test('quorum by share: with share 0.5 of 6 members, evidence from 2 is not enough', async () => {
  const hub = new Hub();
  const nodes: Node[] = [];
  for (let i = 0; i < 6; i++) {
    const registry = new BreakerRegistry([parseBreakerFlag('failures=6,timeout=10s')], () => 0);
    const shared = new SharedBreakers(registry, hub.join(`n${i}`), { share: 0.5 });
    await shared.start();
    nodes.push({ id: `n${i}`, registry, shared });
  }
  for (const n of nodes) breakerOf(n);
  for (let i = 0; i < 2; i++) for (const n of nodes.slice(0, 2)) request(n, false, 0);
  for (const n of nodes.slice(2)) assert.equal(breakerOf(n).state, 'closed');
  request(nodes[2]!, false, 0);
  assert.equal(breakerOf(nodes[3]!).state, 'closed', 'three reporters, but each counts at most threshold / 3 = 2: 5 of 6');
  request(nodes[2]!, false, 0);
  for (const n of nodes.slice(3)) assert.equal(breakerOf(n).state, 'open', 'three of six reached the share and the threshold');
});
