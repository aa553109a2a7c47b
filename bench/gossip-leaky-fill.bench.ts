/**
 * How fast clusterLeakyBucketRatelimit over gossip fills its room when every instance is busy (issue 9):
 * three real libp2p nodes in this process (test/support/swarm.ts), each with a GossipLeakyBucket, one bucket
 * of capacity 6 filled in increments of 2 (no leak during the run), per trial a fresh label. In each round
 * every member sends 10 requests `--gap`..2×`--gap` ms apart, the members starting `--stagger` ms apart;
 * rounds repeat until the 3 increments are admitted (at most 20). Printed per scenario: rounds to fill
 * (min / mean / max), over-admissions (more than 3 increments: the documented in-flight bound says at most
 * one share per instance per report), and refusals that said `Retry-After: 0` (Skipper truncates sub-second
 * waits; a refusal while room sits in another member's share says 1 s). Scenarios side by side: members
 * starting together, and staggered.
 *
 *   npx node bench/gossip-leaky-fill.bench.ts [--trials=20] [--gap=10] [--stagger=150]
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { GossipLeakyBucket } from '../swarm/gossip/gossip-leaky-bucket.ts';
import { loopbackAddresses, staticNode } from '../test/support/swarm.ts';

const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const trials = arg('trials', 20);
const gap = arg('gap', 10);
const staggerMs = arg('stagger', 150);
const bucket = { capacity: 6, emissionMs: 3_600_000 };

const addrs = await loopbackAddresses(3);
const members = addrs.map((a) => {
  const node = staticNode(a, addrs);
  return { node, bucket: new GossipLeakyBucket({ node, maxMsgBuffer: 4 << 20 }) };
});
try {
  await Promise.all(members.map(async (m) => {
    await m.node.start();
    await m.bucket.start();
  }));
  const deadline = Date.now() + 30_000;
  while (!members.every((m) => m.node.live().length === addrs.length && m.bucket.converged())) {
    if (Date.now() > deadline) throw new Error('the three nodes did not converge in 30 s');
    await sleep(20);
  }
  console.log(`node ${process.version}; 3 nodes, capacity 6, increment 2, ${trials} fills per scenario; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('scenario            | rounds min / mean / max | over-admitted fills | refusals | Retry-After 0');
  for (const [name, stagger] of [['together', 0], [`staggered ${staggerMs} ms`, staggerMs]] as const) {
    const rounds: number[] = [];
    let over = 0;
    let refusals = 0;
    let zero = 0;
    for (let t = 0; t < trials; t++) {
      const label = `${name}-${t}`;
      let admitted = 0;
      let r = 0;
      while (admitted < 3 && r < 20) {
        r++;
        const first = r === 1;
        const got = await Promise.all(members.map(async (m, i) => {
          if (first) await sleep(i * stagger);
          let a = 0;
          for (let k = 0; k < 10; k++) {
            const d = await m.bucket.add(bucket, label, 2, false);
            if (d.allowed) a++;
            else {
              refusals++;
              if (Math.floor(d.retryAfterMs / 1000) === 0) zero++;
            }
            await sleep(gap + Math.random() * gap);
          }
          return a;
        }));
        admitted += got.reduce((x, y) => x + y, 0);
      }
      rounds.push(r);
      if (admitted > 3) over++;
    }
    const mean = rounds.reduce((x, y) => x + y, 0) / rounds.length;
    console.log(`${name.padEnd(19)} | ${String(Math.min(...rounds)).padStart(3)} / ${mean.toFixed(2)} / ${String(Math.max(...rounds)).padEnd(8)} | ${String(over).padStart(19)} | ${String(refusals).padStart(8)} | ${zero}`);
  }
  console.log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await Promise.all(members.map(async (m) => {
    await m.bucket.stop();
    await m.node.stop();
  }));
}
