/**
 * A swarm member in its own process, for tests that SIGKILL one or run it in a network namespace:
 * `node gossip-member.ts <self> <others,…>`. Starts a gossip swarm with static membership, prints
 * `gossip member started` on stderr, then answers commands on stdin, one per line, on stdout:
 *   `live`                                   → `live <n>`
 *   `load <group> <key> <maxHits> <n> <gapMs>` → decides n requests (window one hour) gapMs apart → `admitted <k>`
 *   `count <group> <key> <maxHits>`          → `count <c>` (rounded)
 * SIGTERM stops the swarm (goodbye included) and exits.
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGossipSwarm } from '../../swarm/gossip/gossip-swarm.ts';

const [self, others] = process.argv.slice(2);
const swarm = createGossipSwarm({
  port: 9990,
  staticSelf: self!,
  staticOther: others!,
  namespace: '',
  labelSelectorKey: '',
  labelSelectorValue: '',
  maxMsgBuffer: 1 << 20,
  leaveTimeoutMs: 1000,
});
for (const s of swarm.services) await s.start();
process.on('SIGTERM', async () => {
  for (const s of [...swarm.services].reverse()) await s.stop();
  process.exit(0);
});
process.stderr.write('gossip member started\n');

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, group, key, maxHits, n, gap] = line.trim().split(/\s+/);
  if (cmd === 'live') process.stdout.write(`live ${swarm.node.live().length}\n`);
  else if (cmd === 'load') {
    const limit = { group: group!, maxHits: Number(maxHits), windowMs: 3_600_000 };
    let admitted = 0;
    for (let i = 0; i < Number(n); i++) {
      if ((await swarm.limiter.allow(limit, key!, false)).allowed) admitted++;
      await sleep(Number(gap));
    }
    process.stdout.write(`admitted ${admitted}\n`);
  } else if (cmd === 'count') {
    const c = await swarm.limiter.count!({ group: group!, maxHits: Number(maxHits), windowMs: 3_600_000 }, key!);
    process.stdout.write(`count ${Math.round(c)}\n`);
  }
}
