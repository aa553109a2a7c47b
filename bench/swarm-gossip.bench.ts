/**
 * The gossip SwarmLimiter on real libp2p nodes on 127.0.0.1 (one process, so the nodes share its CPU):
 *
 * 1. Decision overhead: one node of a 3-node swarm decides 5,000 requests/s (1,000 client keys, limit 100/min
 *    per key) for `--seconds`; the time of each allow() call, p50/p99/max, against a plain in-process sliding
 *    window counter (Map lookup and two counters) decided in the same run. Target p99 ≤ 1 ms.
 * 2. Accuracy: 5 nodes, limit 1000/min on one key, every node offered 50 requests/s (15× the limit in total);
 *    admitted per fixed window against the limit, for `--windows` windows from a window boundary. Target ±5 %.
 * 3. Small limit: 5 nodes, limit 10 per hour, 40 requests to every node 5 ms apart, `--rounds` times on fresh
 *    keys. Target ≤ limit + 2.
 *
 *   npm run bench:swarm-gossip -- [--seconds=10] [--windows=2] [--window-ms=60000] [--rounds=5] [--only=overhead|accuracy|small]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { GossipLimiter } from '../swarm/gossip/gossip-limiter.ts';
import type { GossipNode } from '../swarm/gossip/gossip-node.ts';
import { loopbackAddresses, staticNode } from '../test/support/swarm.ts';

const arg = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const seconds = Number(arg('seconds', '10'));
const windows = Number(arg('windows', '2'));
const windowMs = Number(arg('window-ms', '60000'));
const only = arg('only', '');
const rounds = Number(arg('rounds', '5'));

interface Member {
  node: GossipNode;
  limiter: GossipLimiter;
}

async function swarm(n: number): Promise<{ members: Member[]; stop(): Promise<void> }> {
  const addrs = await loopbackAddresses(n);
  const members = addrs.map((a) => {
    const node = staticNode(a, addrs, { helloIntervalMs: 1000, liveTtlMs: 3000 });
    return { node, limiter: new GossipLimiter({ node, maxMsgBuffer: 4 << 20 }) };
  });
  await Promise.all(members.map(async (m) => (await m.node.start(), await m.limiter.start())));
  const deadline = Date.now() + 20_000;
  while (!members.every((m) => m.node.live().length === n && m.limiter.converged())) {
    if (Date.now() > deadline) throw new Error('swarm did not converge in 20 s');
    await sleep(20);
  }
  return { members, stop: () => Promise.all(members.map(async (m) => (await m.limiter.stop(), await m.node.stop()))).then(() => {}) };
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** The alternative: a per-instance sliding window counter with no swarm. */
function localCounter(limit: number, w: number) {
  const m = new Map<string, { win: number; cur: number; prev: number }>();
  return (key: string): boolean => {
    const now = Date.now();
    const win = Math.floor(now / w);
    let c = m.get(key);
    if (!c) m.set(key, (c = { win, cur: 0, prev: 0 }));
    if (c.win !== win) {
      c.prev = c.win === win - 1 ? c.cur : 0;
      c.cur = 0;
      c.win = win;
    }
    const ok = c.prev * (1 - (now - win * w) / w) + c.cur + 1 <= limit;
    if (ok) c.cur++;
    return ok;
  };
}

async function overhead(): Promise<void> {
  const s = await swarm(3);
  const limiter = s.members[0]!.limiter;
  const limit = { group: 'bench', maxHits: 100, windowMs: 60_000 };
  const local = localCounter(100, 60_000);
  const total = 5000 * seconds;
  const gossip = new Float64Array(total);
  const plain = new Float64Array(total);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let i = 0;
  let admitted = 0;
  const start = performance.now();
  // 5 requests every millisecond, paced against the clock so that a late tick catches up.
  while (i < total) {
    const due = Math.min(total, Math.floor((performance.now() - start) * 5));
    for (; i < due; i++) {
      const key = `10.0.${(i >> 8) & 3}.${i & 255}`;
      let t = performance.now();
      if ((await limiter.allow(limit, key, false)).allowed) admitted++;
      gossip[i] = performance.now() - t;
      t = performance.now();
      local(key);
      plain[i] = performance.now() - t;
    }
    await sleep(1);
  }
  const elapsed = (performance.now() - start) / 1000;
  loop.disable();
  gossip.sort();
  plain.sort();
  const row = (name: string, a: Float64Array) =>
    `| ${name} | ${(pct(a, 50) * 1000).toFixed(1)} µs | ${(pct(a, 99) * 1000).toFixed(1)} µs | ${(a[a.length - 1]! * 1000).toFixed(0)} µs |`;
  console.log(`\n## Decision overhead: ${total} decisions in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s) on one node of 3, 1,000 keys`);
  console.log('| limiter | p50 | p99 | max |\n| --- | --- | --- | --- |');
  console.log(row('gossip SwarmLimiter.allow()', gossip));
  console.log(row('local sliding window (no swarm)', plain));
  console.log(`p99/p99 ratio ${(pct(gossip, 99) / pct(plain, 99)).toFixed(1)}x; event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms; admitted ${admitted}; target p99 ≤ 1 ms: ${pct(gossip, 99) <= 1 ? 'met' : 'MISSED'}`);
  await s.stop();
}

async function accuracy(): Promise<void> {
  const s = await swarm(5);
  const limit = { group: 'accuracy', maxHits: 1000, windowMs };
  const first = Math.floor(Date.now() / windowMs) + 1;
  await sleep(first * windowMs - Date.now());
  const perWindow = new Map<number, number>();
  const end = (first + windows) * windowMs;
  const offered = new Map<number, number>();
  await Promise.all(
    s.members.map(async (m, idx) => {
      await sleep(idx * 4); // members' requests interleave instead of arriving in lockstep
      while (Date.now() < end) {
        const win = Math.floor(Date.now() / windowMs);
        offered.set(win, (offered.get(win) ?? 0) + 1);
        if ((await m.limiter.allow(limit, 'k', false)).allowed) perWindow.set(win, (perWindow.get(win) ?? 0) + 1);
        await sleep(20); // 50 requests/s per member
      }
    }),
  );
  console.log(`\n## Accuracy: 5 nodes, limit 1000 per ${windowMs / 1000} s, 50 req/s offered per node`);
  console.log('| window | offered | admitted | error | target ±5 % |\n| --- | --- | --- | --- | --- |');
  for (let w = first; w < first + windows; w++) {
    const a = perWindow.get(w) ?? 0;
    const err = (a - 1000) / 10;
    console.log(`| ${w - first + 1} | ${offered.get(w) ?? 0} | ${a} | ${err >= 0 ? '+' : ''}${err.toFixed(1)} % | ${Math.abs(err) <= 5 ? 'met' : 'MISSED'} |`);
  }
  await s.stop();
}

async function small(): Promise<void> {
  const s = await swarm(5);
  const limit = { group: 'login', maxHits: 10, windowMs: 3_600_000 };
  console.log('\n## Small limit: 5 nodes, limit 10 per hour, 40 requests per node 5 ms apart');
  console.log('| round | admitted per node | total | target ≤ 12 |\n| --- | --- | --- | --- |');
  for (let r = 1; r <= rounds; r++) {
    const per = await Promise.all(
      s.members.map(async (m) => {
        let n = 0;
        for (let i = 0; i < 40; i++) {
          if ((await m.limiter.allow(limit, `client-${r}`, false)).allowed) n++;
          await sleep(5);
        }
        return n;
      }),
    );
    const total = per.reduce((a, b) => a + b, 0);
    console.log(`| ${r} | ${per.join(' + ')} | ${total} | ${total <= 12 ? 'met' : 'MISSED'} |`);
  }
  await s.stop();
}

if (only === '' || only === 'overhead') await overhead();
if (only === '' || only === 'small') await small();
if (only === '' || only === 'accuracy') await accuracy();
