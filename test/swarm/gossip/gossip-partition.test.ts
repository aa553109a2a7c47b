/**
 * Invariant: in a 3 | 2 partition of a 5-member gossip swarm, each side keeps at least 0.9× its share of the
 * limit (3/5 and 2/5) and the fleet admits at most 1.10× the limit. Members run as processes in two network
 * namespaces joined by a veth pair; the partition is `ip link set down` on it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startMember, type MemberProcess } from '../../support/gossip-member-process.ts';
import { createNetnsPair, netnsAvailable } from '../../support/netns.ts';
import { waitFor } from '../../support/wait.ts';

const available = netnsAvailable();

test('3 | 2 partition: each side keeps its share, the fleet stays within 1.10× the limit', { skip: available ? false : 'needs root and iproute2 for network namespaces' }, async (t) => {
  const pair = createNetnsPair();
  const members: MemberProcess[] = [];
  t.after(async () => {
    await Promise.all(members.map((m) => m.stop()));
    pair.remove();
  });
  const sideA = [9991, 9992, 9993].map((p) => `${pair.ipA}:${p}`);
  const sideB = [9991, 9992].map((p) => `${pair.ipB}:${p}`);
  const all = [...sideA, ...sideB];
  const started = await Promise.all([
    ...sideA.map((a) => startMember(a, all, pair.exec(pair.a))),
    ...sideB.map((a) => startMember(a, all, pair.exec(pair.b))),
  ]);
  members.push(...started);
  const live = async (m: MemberProcess) => Number((await m.ask('live')).split(' ')[1]);
  await waitFor('all five live everywhere', async () => (await Promise.all(members.map(live))).every((n) => n === 5), 30_000, 100);

  pair.partition();
  await waitFor('each side sees only itself', async () => {
    const n = await Promise.all(members.map(live));
    return n.slice(0, 3).every((x) => x === 3) && n.slice(3).every((x) => x === 2);
  }, 30_000, 100);

  const limit = 100;
  const admitted = (await Promise.all(members.map((m) => m.ask(`load part k ${limit} 60 5`)))).map((l) => Number(l.split(' ')[1]));
  const a = admitted.slice(0, 3).reduce((x, y) => x + y, 0);
  const b = admitted.slice(3).reduce((x, y) => x + y, 0);
  t.diagnostic(`| side | share | admitted |`);
  t.diagnostic(`| A (3) | ${(limit * 3) / 5} | ${a} (${admitted.slice(0, 3).join('+')}) |`);
  t.diagnostic(`| B (2) | ${(limit * 2) / 5} | ${b} (${admitted.slice(3).join('+')}) |`);
  t.diagnostic(`| fleet | ${limit} | ${a + b} |`);
  assert.ok(a >= 0.9 * ((limit * 3) / 5), `side A admitted ${a}`);
  assert.ok(b >= 0.9 * ((limit * 2) / 5), `side B admitted ${b}`);
  assert.ok(a + b <= 1.1 * limit, `fleet admitted ${a + b}`);

  pair.heal();
  await waitFor('healed: all five live again', async () => (await Promise.all(members.map(live))).every((n) => n === 5), 30_000, 100);
  await waitFor('healed: every member counts the fleet total', async () =>
    (await Promise.all(members.map((m) => m.ask('count part k 100')))).every((l) => l === `count ${a + b}`), 30_000, 100);
});
