/**
 * A swarm member in its own process, for tests that SIGKILL one: `node gossip-member.ts <self> <others,…>
 * <group> <key> <maxHits> <hits>`. Starts a gossip swarm with static membership, decides `hits` requests for
 * `key` once it sees every listed member live, prints `admitted N` on stderr, and runs until killed.
 */
import { createGossipSwarm } from '../../swarm/gossip/gossip-swarm.ts';

const [self, others, group, key, maxHits, hits] = process.argv.slice(2);
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
const listed = swarm.membership.members().length;
const t = setInterval(async () => {
  if (swarm.node.live().length < listed) return;
  clearInterval(t);
  const limit = { group: group!, maxHits: Number(maxHits), windowMs: 3_600_000 };
  let admitted = 0;
  for (let i = 0; i < Number(hits); i++) if ((await swarm.limiter.allow(limit, key!, false)).allowed) admitted++;
  process.stderr.write(`admitted ${admitted}\n`);
}, 50);
