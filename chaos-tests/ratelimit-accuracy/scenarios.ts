/**
 * INVARIANT: a clusterRatelimit shared by K skipjack instances admits, fleet-wide, the limit per window —
 * over Redis exactly (limit ≤ admitted ≤ limit + 1), over gossip within its stated error — and keeps doing so
 * while Redis is SIGKILLed and restarted, while instances die and join, and on both sides of a partition
 * (each side keeps at least its share, the fleet at most 1.10 × limit). Every request gets an answer
 * (200 or 429); none is lost silently.
 *
 * Real processes: the built skipjack bin, real redis-server, a counting backend on 127.0.0.1 (its arrivals
 * are what the fleet admitted). Load is open-loop, bounded in count and time, spread round-robin.
 */
import { startRedis } from '../../test/support/redis-server.ts';
import { startCountingBackend, type CountingBackend } from '../lib/backend.ts';
import { onCleanup } from '../lib/cleanup.ts';
import { gossipAddresses, gossipArgs, killInstance, liveMembers, startInstance, until, type Skipjack } from '../lib/fleet.ts';
import { closePools, runLoad, type Sample, type Target } from '../lib/load.ts';
import { percentile, row, type Row } from '../lib/table.ts';

export interface Shape {
  k: number;
  limit: number;
  windowS: number;
  windows: number;
  /** Offered load as a multiple of the limit. */
  overload?: number;
}

const routes = (limit: number, windowS: number, url: string): string => `-inline-routes=r: * -> clusterRatelimit("g", ${limit}, "${windowS}s") -> "${url}"`;

/** Waits until the next multiple of the window on the wall clock, where the limiters' windows start. */
async function alignTo(windowMs: number): Promise<number> {
  const start = Math.ceil(Date.now() / windowMs) * windowMs;
  await new Promise((r) => setTimeout(r, start - Date.now()));
  return start;
}

/** Backend arrivals per window from `start`. */
function admittedPerWindow(b: CountingBackend, start: number, windowMs: number, windows: number): number[] {
  const out = new Array<number>(windows).fill(0);
  for (const t of b.arrivals) {
    const w = Math.floor((t - start) / windowMs);
    if (w >= 0 && w < windows) out[w]!++;
  }
  return out;
}

function unanswered(samples: readonly Sample[]): number {
  return samples.filter((s) => s.status !== 200 && s.status !== 429).length;
}

async function load(fleet: readonly Skipjack[], s: Shape, onTick?: (ms: number) => void | Promise<void>, targets?: Target[]): Promise<{ start: number; samples: Sample[]; targets: Target[] }> {
  const windowMs = s.windowS * 1000;
  const t = targets ?? fleet.map((f) => ({ base: f.base, alive: true }));
  const start = await alignTo(windowMs);
  const samples = await runLoad(t, { rate: ((s.overload ?? 2) * s.limit) / s.windowS, durationMs: s.windows * windowMs - 50, onTick, timeoutMs: 5000 });
  await closePools();
  return { start, samples, targets: t };
}

function windowRows(name: string, admitted: number[], lo: number, hi: number, target: string): Row[] {
  return admitted.map((a, i) => row(name, `window ${i + 1} admitted`, a, target, a >= lo && a <= hi));
}

/** Redis mode: K instances over one real redis-server. */
export async function redisMode(s: Shape): Promise<Row[]> {
  const redis = await startRedis();
  onCleanup(() => redis.stop());
  const b = await startCountingBackend();
  const fleet = await Promise.all(Array.from({ length: s.k }, () => startInstance([
    '-enable-swarm', '-enable-ratelimits', `-swarm-redis-urls=${redis.address}`, routes(s.limit, s.windowS, b.url),
    // The chaos machine is loaded; Skipper's 25 ms deadlines would measure the fallback, not Redis.
    '-swarm-redis-read-timeout=2s', '-swarm-redis-dial-timeout=2s',
  ])));
  const { start, samples } = await load(fleet, s);
  const name = `Redis K=${s.k} limit ${s.limit}/${s.windowS}s`;
  return [
    ...windowRows(name, admittedPerWindow(b, start, s.windowS * 1000, s.windows), Math.floor(0.98 * s.limit), s.limit + 1, `${s.limit}..${s.limit + 1} (floor ${Math.floor(0.98 * s.limit)})`),
    row(name, 'unanswered requests', unanswered(samples), '0', unanswered(samples) === 0),
  ];
}

async function gossipFleet(k: number, args: string[], total = k): Promise<{ fleet: Skipjack[]; addrs: string[] }> {
  const addrs = await gossipAddresses(total);
  const fleet = await Promise.all(addrs.slice(0, k).map((self) => startInstance([...gossipArgs(self, addrs), ...args])));
  await until(() => fleet.every((f) => liveMembers(f) === k), `${k} gossip members live everywhere`, 30_000);
  return { fleet, addrs };
}

/** Gossip mode: K instances with static membership, no Redis. */
export async function gossipMode(s: Shape, tolerance: { pct?: number; plus?: number }): Promise<Row[]> {
  const b = await startCountingBackend();
  const { fleet } = await gossipFleet(s.k, ['-enable-ratelimits', routes(s.limit, s.windowS, b.url)]);
  const { start, samples } = await load(fleet, s);
  const name = `gossip K=${s.k} limit ${s.limit}/${s.windowS}s`;
  const lo = tolerance.pct !== undefined ? Math.floor(s.limit * (1 - tolerance.pct)) : 0;
  const hi = tolerance.pct !== undefined ? Math.ceil(s.limit * (1 + tolerance.pct)) : s.limit + (tolerance.plus ?? 0);
  const target = tolerance.pct !== undefined ? `${lo}..${hi} (±${tolerance.pct * 100} %)` : `≤ ${hi}`;
  return [
    ...windowRows(name, admittedPerWindow(b, start, s.windowS * 1000, s.windows), lo, hi, target),
    row(name, 'unanswered requests', unanswered(samples), '0', unanswered(samples) === 0),
  ];
}

/**
 * Redis SIGKILLed at the start of window 2 and restarted half-way through window 3; gossip is the fallback.
 * Added latency: p99 during the outage minus p99 before it.
 */
export async function redisKilled(s: Shape): Promise<Row[]> {
  const redis = await startRedis();
  onCleanup(() => redis.stop());
  const b = await startCountingBackend();
  const { fleet } = await gossipFleet(s.k, [
    '-enable-ratelimits', `-swarm-redis-urls=${redis.address}`, '-swarm-redis-read-timeout=2s', routes(s.limit, s.windowS, b.url),
  ]);
  const windowMs = s.windowS * 1000;
  let killedAt = 0;
  let restartedAt = 0;
  const { start, samples } = await load(fleet, s, async (ms) => {
    if (killedAt === 0 && ms >= windowMs) {
      killedAt = Date.now();
      await redis.kill('SIGKILL');
    } else if (restartedAt === 0 && ms >= 2.5 * windowMs) {
      restartedAt = Date.now();
      void redis.restart();
    }
  });
  const name = `Redis killed K=${s.k} limit ${s.limit}/${s.windowS}s`;
  const ok = (x: Sample) => x.status === 200;
  const before = samples.filter((x) => x.t < killedAt && ok(x)).map((x) => x.latencyMs);
  const during = samples.filter((x) => x.t >= killedAt && x.t < restartedAt && ok(x)).map((x) => x.latencyMs);
  const added = percentile(during, 99) - percentile(before, 99);
  const lo = Math.floor(0.9 * s.limit);
  const hi = Math.ceil(1.1 * s.limit);
  return [
    ...windowRows(name, admittedPerWindow(b, start, windowMs, s.windows), lo, hi, `${lo}..${hi} (±10 %)`),
    row(name, 'p99 added latency during outage', `${added.toFixed(1)} ms`, '≤ 5 ms', added <= 5),
    row(name, 'unanswered requests', unanswered(samples), '0', unanswered(samples) === 0),
  ];
}

/**
 * 5 gossip instances with static membership listing 10 addresses (the 5 to be added included); 2 SIGKILLed at
 * the start of window 2; 5 more started at the start of window 3 (8 live). Static membership cannot tell a
 * SIGKILLed peer from a partitioned one, so each survivor keeps the dead peers' shares reserved (docs/swarm.md,
 * "The limit is shared by the members this instance knows"): the targets are the documented ones — the fleet
 * within +5 % of the limit, and at least 0.95 × the survivors' share (3/5 after the kill; 8/10 for the old
 * members after the scale-up). Listed addresses never heard from (the 5 not yet started) hold no share once
 * the live TTL after start has passed. The issue's ±5 % target is met with Kubernetes membership
 * (kill-and-scale-kube.ts). Times: until every survivor counts 3 live members (dead forgotten), until all 8
 * count 8 (joined).
 */
export async function killAndScale(s: Shape): Promise<Row[]> {
  const b = await startCountingBackend();
  const args = ['-enable-ratelimits', routes(s.limit, s.windowS, b.url)];
  const { fleet, addrs } = await gossipFleet(5, args, 10);
  const windowMs = s.windowS * 1000;
  const targets: Target[] = fleet.map((f) => ({ base: f.base, alive: true }));
  let killedAt = 0;
  let forgottenMs = NaN;
  let scaledAt = 0;
  let joinedMs = NaN;
  const joins: Promise<void>[] = [];
  const { start } = await load(fleet, { ...s, windows: s.windows }, (ms) => {
    if (killedAt === 0 && ms >= windowMs) {
      killedAt = Date.now();
      targets[3]!.alive = targets[4]!.alive = false;
      void Promise.all([killInstance(fleet[3]!), killInstance(fleet[4]!)]).then(() =>
        until(() => fleet.slice(0, 3).every((f) => liveMembers(f) === 3), 'dead peers forgotten', 30_000).then(() => (forgottenMs = Date.now() - killedAt)));
    } else if (scaledAt === 0 && ms >= 2 * windowMs) {
      scaledAt = Date.now();
      joins.push(Promise.all(addrs.slice(5).map((self) => startInstance([...gossipArgs(self, addrs), ...args]))).then(async (added) => {
        for (const a of added) targets.push({ base: a.base, alive: true });
        const all = [...fleet.slice(0, 3), ...added];
        await until(() => all.every((f) => liveMembers(f) === 8), '8 members live everywhere', 30_000);
        joinedMs = Date.now() - scaledAt;
      }));
    }
  }, targets);
  await Promise.allSettled(joins);
  const name = `static membership: 2 of 5 killed, scaled to 8, limit ${s.limit}/${s.windowS}s`;
  const admitted = admittedPerWindow(b, start, windowMs, s.windows);
  const hi = Math.ceil(1.05 * s.limit);
  // The survivors' documented share per window: all; 3 of 5 after the kill (the dead keep theirs) and while the
  // new processes start (each counts every listed member until it has heard them); 8 of 10 once all 8 are live.
  const joinedAt = scaledAt + joinedMs;
  const share = (i: number): [number, string] | undefined => {
    if (i === 0) return [1, 'all'];
    if (i === 2) return undefined;
    if (joinedAt <= start + i * windowMs) return [0.8, '8/10'];
    return [0.6, i >= 2 ? '3/5, scale-up in progress' : '3/5'];
  };
  return [
    ...admitted.map((a, i) => {
      const sh = share(i);
      if (sh === undefined) return row(name, `window ${i + 1} admitted`, a, 'scale-up starts in this window', undefined);
      const lo = Math.floor(0.95 * s.limit * sh[0]);
      return row(name, `window ${i + 1} admitted`, a, `${lo}..${hi} (share ${sh[1]})`, a >= lo && a <= hi);
    }),
    row(name, 'dead peers forgotten after', Number.isNaN(forgottenMs) ? 'never' : `${(forgottenMs / 1000).toFixed(1)} s`, '≤ 10 s', forgottenMs <= 10_000),
    row(name, 'start to 8 of 8 live (incl. process start)', Number.isNaN(joinedMs) ? 'never' : `${(joinedMs / 1000).toFixed(1)} s`, '≤ 5 s after ready', undefined),
  ];
}
