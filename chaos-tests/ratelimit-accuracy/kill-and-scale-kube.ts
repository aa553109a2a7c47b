/**
 * 2 of 5 killed, then scaled to 8, with Kubernetes membership (the production setup): the members are the
 * ready pods of a label selector, served by the test API server (test/support/kube-apiserver.ts) and watched
 * by every instance. The harness plays the kubelet: a pod turns ready once its process listens, and a
 * SIGKILLed process's pod turns unready `unreadyAfterMs` later (the kubelet notices a dead container within
 * about a second). Every process has a loopback address of its own as its pod IP (127.0.0.0/8 is all local
 * on Linux) and they share one -swarm-port, as pods do.
 *
 * INVARIANT: the survivors take the whole limit once the dead pods turn unready, the fleet of 8 shares it once
 * the new pods turn ready: back within ±5 % of the limit in ≤ 5 s — every window that starts at least 5 s after
 * the last membership change before it (pods unready, pod ready) admits the limit ±5 %; windows holding a
 * change or starting sooner after one are reported. Dead peers forgotten within 10 s; every joiner live both
 * ways within 5 s of its pod turning ready. A window's admissions are the requests SENT in it that were
 * admitted (200), so a slow answer does not move an admission into the next window (the backend's arrivals are
 * printed beside them); the load runs until two full windows have started 5 s or more after the last pod turned
 * ready, however long the new processes take to start.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeApiServer } from '../../test/support/kube-apiserver.ts';
import { pod } from '../../test/support/kube-objects.ts';
import { freePort } from '../../test/support/redis-server.ts';
import { startCountingBackend, type CountingBackend } from '../lib/backend.ts';
import { onCleanup } from '../lib/cleanup.ts';
import { killInstance, liveMembers, startInstance, until, type Skipjack } from '../lib/fleet.ts';
import { closePools, perWindow, runLoad, type Target } from '../lib/load.ts';
import { row, type Row } from '../lib/table.ts';
import type { Shape } from './scenarios.ts';

const NS = 'chaos';
const LABELS = { application: 'skipjack-chaos' };
/** The issue's target: back within ±5 % of the limit this long after a membership change. */
const SETTLE_MS = 5000;

/** The member ids of an instance's last "swarm gossip: L of K members live (…)" line. */
function liveIds(sj: Skipjack): Set<string> {
  const all = [...sj.stderr().matchAll(/swarm gossip: \d+ of \d+ members live \(([^)]*)\)/g)];
  return new Set(all.length === 0 ? [] : all[all.length - 1]![1]!.split(', '));
}

/** A membership change the harness made, at its time (ms since epoch). */
interface Change {
  t: number;
  what: string;
}

/**
 * `s.windows` is the least number of windows; the load goes on (at most `maxExtraMs` longer) until two
 * full windows have started 5 s or more after the last new pod turned ready.
 */
export async function killAndScaleKube(s: Shape, unreadyAfterMs = 1000, maxExtraMs = 45_000): Promise<Row[]> {
  const api = await KubeApiServer.start();
  onCleanup(() => api.stop());
  const b = await startCountingBackend();
  const port = await freePort();
  const ip = (i: number): string => `127.0.0.${20 + i}`;
  const name = (i: number): string => `skipjack-${i}`;
  const args = [
    '-enable-swarm', '-enable-ratelimits', '-kubernetes', `-kubernetes-url=${api.url}`, `-swarm-namespace=${NS}`,
    '-swarm-label-selector-key=application', `-swarm-label-selector-value=${LABELS.application}`, `-swarm-port=${port}`,
    `-inline-routes=r: * -> clusterRatelimit("g", ${s.limit}, "${s.windowS}s") -> "${b.url}"`,
  ];
  const changes: Change[] = [];
  let lastReadyAt = 0;
  const setReady = (i: number, ready: boolean): void => api.apply(pod(name(i), ip(i), ready, LABELS, NS));
  /** Starts instance i: its pod exists unready, and turns ready once the process listens. */
  const start = async (i: number, log: boolean): Promise<Skipjack> => {
    setReady(i, false);
    const sj = await startInstance(args, { prefix: ['env', `POD_IP=${ip(i)}`] });
    setReady(i, true);
    if (log) {
      changes.push({ t: Date.now(), what: 'pod ready' });
      // The load's end is counted from the last new pod's readiness, not from the joiners' convergence.
      if (changes.filter((c) => c.what === 'pod ready').length === 5) lastReadyAt = Date.now();
    }
    return sj;
  };
  const fleet = await Promise.all([0, 1, 2, 3, 4].map((i) => start(i, false)));
  const everyone = [...fleet];
  await until(() => fleet.every((f) => liveMembers(f) === 5), '5 gossip members live everywhere', 30_000);
  const windowMs = s.windowS * 1000;
  const targets: Target[] = fleet.map((f) => ({ base: f.base, alive: true }));
  let killedAt = 0;
  let forgottenMs = NaN;
  let scaledAt = 0;
  let joinedMs = NaN;
  let convergedMs = NaN;
  const joins: Promise<void>[] = [];
  const begin = Math.ceil(Date.now() / windowMs) * windowMs;
  await new Promise((r) => setTimeout(r, begin - Date.now()));
  const samples = await runLoad(targets, {
    rate: ((s.overload ?? 2) * s.limit) / s.windowS,
    // New processes took up to 23 s to turn ready on this machine at load 15-20.
    durationMs: (s.windows + Math.ceil(maxExtraMs / windowMs)) * windowMs - 50,
    timeoutMs: 5000,
    // Two full windows that start at least SETTLE_MS after the last pod turned ready, and never fewer than s.windows.
    stop: (ms) => lastReadyAt > 0 && ms >= Math.max(s.windows, Math.ceil((lastReadyAt + SETTLE_MS - begin) / windowMs) + 2) * windowMs - 50,
    onTick: (ms) => {
      if (killedAt === 0 && ms >= windowMs) {
        killedAt = Date.now();
        changes.push({ t: killedAt, what: '2 killed' });
        targets[3]!.alive = targets[4]!.alive = false;
        void Promise.all([killInstance(fleet[3]!), killInstance(fleet[4]!)]).then(async () => {
          await new Promise((r) => setTimeout(r, Math.max(0, killedAt + unreadyAfterMs - Date.now())));
          setReady(3, false);
          setReady(4, false);
          changes.push({ t: Date.now(), what: '2 pods unready' });
          await until(() => fleet.slice(0, 3).every((f) => liveMembers(f) === 3), 'dead peers forgotten', 30_000);
          forgottenMs = Date.now() - killedAt;
        });
      } else if (scaledAt === 0 && ms >= 2 * windowMs) {
        scaledAt = Date.now();
        changes.push({ t: scaledAt, what: 'scale-up starts' });
        const running = fleet.slice(0, 3).map((sj, i) => ({ sj, id: `${ip(i)}:${port}` }));
        joins.push(Promise.all([5, 6, 7, 8, 9].map(async (i) => {
          const sj = await start(i, true);
          everyone.push(sj);
          const readyAt = Date.now();
          const me = { sj, id: `${ip(i)}:${port}` };
          const peers = [...running];
          running.push(me);
          targets.push({ base: sj.base, alive: true });
          // Converged: it sees every member that was running when its pod turned ready, and they all see it.
          await until(() => peers.every((p) => liveIds(p.sj).has(me.id) && liveIds(sj).has(p.id)), `${me.id} joined`, 30_000);
          convergedMs = Math.max(Number.isNaN(convergedMs) ? 0 : convergedMs, Date.now() - readyAt);
          return sj;
        })).then(async (added) => {
          const all = [...fleet.slice(0, 3), ...added];
          await until(() => all.every((f) => liveMembers(f) === 8), '8 members live everywhere', 30_000);
          joinedMs = Date.now() - scaledAt;
        }));
      }
    },
  });
  await closePools();
  await Promise.allSettled(joins);
  const dump = process.env.CHAOS_LOG_DIR;
  if (dump !== undefined) {
    // Diagnostics: every instance's log, the samples and the changes, for a look at a window afterwards.
    mkdirSync(dump, { recursive: true });
    for (const [i, sj] of everyone.entries()) writeFileSync(join(dump, `instance-${i}.log`), sj.stderr());
    writeFileSync(join(dump, 'run.json'), JSON.stringify({ begin, windowMs, changes, targets: targets.map((t) => t.base), bases: everyone.map((sj) => sj.base), samples }));
  }
  if (lastReadyAt === 0) lastReadyAt = Math.max(0, ...changes.filter((c) => c.what === 'pod ready').map((c) => c.t));
  const title = `Kubernetes membership: 2 of 5 killed (pods unready after ${unreadyAfterMs / 1000} s), scaled to 8, limit ${s.limit}/${s.windowS}s`;
  const windows = Math.ceil((Math.max(...samples.map((x) => x.t)) + 1 - begin) / windowMs);
  const admitted = perWindow(samples, begin, windowMs, windows, (x) => x.status === 200);
  const arrived = new Array<number>(windows).fill(0);
  for (const t of b.arrivals) {
    const w = Math.floor((t - begin) / windowMs);
    if (w >= 0 && w < windows) arrived[w]!++;
  }
  // The requests' p99 latency per window (by send time): where it nears the window, a decision falls in another
  // window than the send, and the send-time count says more about the machine than about the limiter.
  const p99 = new Array<number>(windows).fill(0).map((_, w) => {
    const l = samples.filter((x) => Math.floor((x.t - begin) / windowMs) === w).map((x) => x.latencyMs).sort((a, b) => a - b);
    return l.length === 0 ? 0 : l[Math.min(l.length - 1, Math.floor(l.length * 0.99))]!;
  });
  const lo = Math.floor(0.95 * s.limit);
  const hi = Math.ceil(1.05 * s.limit);
  const fmt = (ms: number): string => (Number.isNaN(ms) ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  const memberships = changes.filter((c) => c.what !== 'scale-up starts');
  const windowRows = admitted.map((a, i) => {
    const from = begin + i * windowMs;
    const inside = changes.filter((c) => c.t >= from && c.t < from + windowMs);
    const counted = new Map<string, number>();
    for (const c of inside) counted.set(c.what, (counted.get(c.what) ?? 0) + 1);
    const what = [...counted].map(([w, n]) => (w === 'pod ready' ? `${n} ${n === 1 ? 'pod' : 'pods'} ready` : w)).join(', ');
    const measure = `window ${i + 1} admitted, by send time (backend arrivals) [p99 latency]${what === '' ? '' : ` — ${what}`}`;
    // "Back within ±5 % in ≤ 5 s": judged are the windows that start at least SETTLE_MS after the last membership
    // change before them; a window holding a change, or starting sooner after one, is reported.
    const last = Math.max(0, ...memberships.filter((c) => c.t < from + windowMs).map((c) => c.t));
    const since = from - last;
    if (last > 0 && since < SETTLE_MS) {
      const why = since < 0 ? 'reported' : `reported, starts ${fmt(since)} after the last change`;
      return row(title, measure, `${a} (${arrived[i]}) [${fmt(p99[i]!)}]`, `${lo}..${hi} (±5 %), ${why}`, undefined);
    }
    const note = last > 0 ? `, ${fmt(since)} after the last change` : '';
    return row(title, measure, `${a} (${arrived[i]}) [${fmt(p99[i]!)}]`, `${lo}..${hi} (±5 %)${note}`, a >= lo && a <= hi);
  });
  const unanswered = samples.filter((x) => x.status !== 200 && x.status !== 429).length;
  return [
    ...windowRows,
    row(title, 'unanswered requests', unanswered, '0', unanswered === 0),
    row(title, 'dead peers forgotten after', fmt(forgottenMs), '≤ 10 s', forgottenMs <= 10_000),
    row(title, 'scale start to last pod ready (process start)', fmt(lastReadyAt > 0 ? lastReadyAt - scaledAt : NaN), 'reported', undefined),
    row(title, 'scale start to 8 of 8 live everywhere (incl. process start)', fmt(joinedMs), 'reported', undefined),
    row(title, 'joiner pod ready to live both ways with every running member (slowest joiner)', fmt(convergedMs), '≤ 5 s', convergedMs <= 5_000),
  ];
}
