/**
 * 2 of 5 killed, then scaled to 8, with Kubernetes membership (the production setup): the members are the
 * ready pods of a label selector, served by the test API server (test/support/kube-apiserver.ts) and watched
 * by every instance. The harness plays the kubelet: a pod turns ready once its process listens, and a
 * SIGKILLed process's pod turns unready `unreadyAfterMs` later (the kubelet notices a dead container within
 * about a second). Every process has a loopback address of its own as its pod IP (127.0.0.0/8 is all local
 * on Linux) and they share one -swarm-port, as pods do.
 *
 * INVARIANT: the survivors take the whole limit once the dead pods turn unready, the fleet of 8 shares it once
 * the new pods turn ready; back within ±5 % of the limit within a window after each change, dead peers
 * forgotten within 10 s, every joiner converged (it has every live peer's full snapshot) within 5 s of its
 * pod turning ready.
 */
import { KubeApiServer } from '../../test/support/kube-apiserver.ts';
import { pod } from '../../test/support/kube-objects.ts';
import { freePort } from '../../test/support/redis-server.ts';
import { startCountingBackend, type CountingBackend } from '../lib/backend.ts';
import { onCleanup } from '../lib/cleanup.ts';
import { killInstance, liveMembers, startInstance, until, type Skipjack } from '../lib/fleet.ts';
import { closePools, runLoad, type Target } from '../lib/load.ts';
import { row, type Row } from '../lib/table.ts';
import type { Shape } from './scenarios.ts';

const NS = 'chaos';
const LABELS = { application: 'skipjack-chaos' };

/** The member ids of an instance's last "swarm gossip: L of K members live (…)" line. */
function liveIds(sj: Skipjack): Set<string> {
  const all = [...sj.stderr().matchAll(/swarm gossip: \d+ of \d+ members live \(([^)]*)\)/g)];
  return new Set(all.length === 0 ? [] : all[all.length - 1]![1]!.split(', '));
}

function admittedPerWindow(b: CountingBackend, start: number, windowMs: number, windows: number): number[] {
  const out = new Array<number>(windows).fill(0);
  for (const t of b.arrivals) {
    const w = Math.floor((t - start) / windowMs);
    if (w >= 0 && w < windows) out[w]!++;
  }
  return out;
}

export async function killAndScaleKube(s: Shape, unreadyAfterMs = 1000): Promise<Row[]> {
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
  const setReady = (i: number, ready: boolean): void => api.apply(pod(name(i), ip(i), ready, LABELS, NS));
  /** Starts instance i: its pod exists unready, and turns ready once the process listens. */
  const start = async (i: number): Promise<Skipjack> => {
    setReady(i, false);
    const sj = await startInstance(args, { prefix: ['env', `POD_IP=${ip(i)}`] });
    setReady(i, true);
    return sj;
  };
  const fleet = await Promise.all([0, 1, 2, 3, 4].map(start));
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
  await runLoad(targets, {
    rate: ((s.overload ?? 2) * s.limit) / s.windowS,
    durationMs: s.windows * windowMs - 50,
    timeoutMs: 5000,
    onTick: (ms) => {
      if (killedAt === 0 && ms >= windowMs) {
        killedAt = Date.now();
        targets[3]!.alive = targets[4]!.alive = false;
        void Promise.all([killInstance(fleet[3]!), killInstance(fleet[4]!)]).then(async () => {
          await new Promise((r) => setTimeout(r, Math.max(0, killedAt + unreadyAfterMs - Date.now())));
          setReady(3, false);
          setReady(4, false);
          await until(() => fleet.slice(0, 3).every((f) => liveMembers(f) === 3), 'dead peers forgotten', 30_000);
          forgottenMs = Date.now() - killedAt;
        });
      } else if (scaledAt === 0 && ms >= 2 * windowMs) {
        scaledAt = Date.now();
        const running = fleet.slice(0, 3).map((sj, i) => ({ sj, id: `${ip(i)}:${port}` }));
        joins.push(Promise.all([5, 6, 7, 8, 9].map(async (i) => {
          const sj = await start(i);
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
  const title = `Kubernetes membership: 2 of 5 killed (pods unready after ${unreadyAfterMs / 1000} s), scaled to 8, limit ${s.limit}/${s.windowS}s`;
  const admitted = admittedPerWindow(b, begin, windowMs, s.windows);
  const lo = Math.floor(0.95 * s.limit);
  const hi = Math.ceil(1.05 * s.limit);
  const fmt = (ms: number): string => (Number.isNaN(ms) ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  return [
    // Windows 2 and 3 hold a change each (kill at the start of 2, scale at the start of 3): reported, not judged.
    ...admitted.map((a, i) => row(title, `window ${i + 1} admitted`, a, `${lo}..${hi} (±5 %)`, i === 1 || i === 2 ? undefined : a >= lo && a <= hi)),
    row(title, 'dead peers forgotten after', fmt(forgottenMs), '≤ 10 s', forgottenMs <= 10_000),
    row(title, 'scale start to 8 of 8 live everywhere (incl. process start)', fmt(joinedMs), 'reported', undefined),
    row(title, 'joiner pod ready to live both ways with every running member (slowest joiner)', fmt(convergedMs), '≤ 5 s', convergedMs <= 5_000),
  ];
}
