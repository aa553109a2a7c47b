/**
 * The 3|2 partition of a gossip swarm (root only): three instances in network namespace `a`, two in `b`,
 * gossip over the veth pair between them; the link goes down for the measured windows. Each side then
 * decides alone: it must keep admitting at least 0.9 × its share (3/5 or 2/5 of the limit) and the fleet at
 * most 1.10 × the limit. Load runs inside each namespace (a load process per side) and counts 200s.
 */
import { spawn } from 'node:child_process';
import { createNetnsPair, netnsAvailable } from '../../test/support/netns.ts';
import { onCleanup } from '../lib/cleanup.ts';
import { startInstance, until, liveMembers, type Skipjack } from '../lib/fleet.ts';
import { row, type Row } from '../lib/table.ts';
import type { Shape } from './scenarios.ts';

export const partitionSkipReason = (): string | undefined => (netnsAvailable() ? undefined : 'needs root and iproute2 (network namespaces)');

/**
 * Runs a node script inside `ns`: `ready` once it printed its first output, `send` writes a line to its stdin,
 * `done` resolves with its stdout once it exits.
 */
function inNs(ns: string, args: string[]): { ready: Promise<void>; send(line: string): void; done: Promise<string> } {
  const p = spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  onCleanup(() => {
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  });
  let out = '';
  let first: () => void;
  const ready = new Promise<void>((r) => (first = r));
  p.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    first();
  });
  const done = new Promise<string>((resolve) => p.on('exit', () => resolve(out)));
  return { ready, send: (line) => p.stdin!.write(`${line}\n`), done };
}

const BACKEND = `require('node:http').createServer((q, s) => s.end('ok')).listen(8080, '127.0.0.2', () => console.log('listening'))`;

export async function partition(s: Shape): Promise<Row[]> {
  const name = `partition 3|2 K=5 limit ${s.limit}/${s.windowS}s`;
  const skip = partitionSkipReason();
  if (skip !== undefined) return [row(name, 'skipped', skip, 'root', undefined)];
  const ns = createNetnsPair();
  onCleanup(() => ns.remove());
  for (const where of [ns.a, ns.b]) await inNs(where, ['-e', BACKEND]).ready;
  const members = [`${ns.ipA}:7001`, `${ns.ipA}:7002`, `${ns.ipA}:7003`, `${ns.ipB}:7004`, `${ns.ipB}:7005`];
  const homes = [ns.a, ns.a, ns.a, ns.b, ns.b];
  const fleet: Skipjack[] = await Promise.all(members.map((self, i) => startInstance([
    '-enable-swarm', '-enable-ratelimits', `-swarm-static-self=${self}`, `-swarm-static-other=${members.filter((m) => m !== self).join(',')}`,
    `-inline-routes=r: * -> clusterRatelimit("g", ${s.limit}, "${s.windowS}s") -> "http://127.0.0.2:8080"`,
  ], { prefix: ['ip', 'netns', 'exec', homes[i]!] })));
  await until(() => fleet.every((f) => liveMembers(f) === 5), '5 members live everywhere', 30_000);
  ns.partition();
  onCleanup(() => ns.heal());
  await until(() => fleet.every((f, i) => liveMembers(f) === (i < 3 ? 3 : 2)), 'each side sees only itself', 30_000);
  const windowMs = s.windowS * 1000;
  const rate = ((s.overload ?? 2) * s.limit) / s.windowS;
  // Each side is offered the same overload of its own share, so a shortfall is the limiter's, not the load's.
  // The start is fixed only once both load processes are loaded: on a busy machine starting one takes seconds.
  const sides = [[ns.a, fleet.slice(0, 3)], [ns.b, fleet.slice(3)]] as const;
  const loads = sides.map(([where, side]) => inNs(where, [
    'chaos-tests/lib/load-cli.ts', JSON.stringify({ bases: side.map((f) => f.base), start: 'stdin', rate: (rate * side.length) / 5, durationMs: s.windows * windowMs - 50, windowMs, windows: s.windows }),
  ]));
  await Promise.all(loads.map((l) => l.ready));
  const start = Math.ceil((Date.now() + 500) / windowMs) * windowMs;
  for (const l of loads) l.send(String(start));
  const outs = await Promise.all(loads.map((l) => l.done));
  const perSide = outs.map((o) => JSON.parse(o.trim().split('\n').pop()!) as { admitted: number[]; unanswered: number });
  const rows: Row[] = [];
  // Integer bounds (0.9 × 0.4 × 50 is 18.000000000000004 in floating point).
  const minA = Math.ceil(Math.round(0.9 * 0.6 * s.limit * 1000) / 1000);
  const minB = Math.ceil(Math.round(0.9 * 0.4 * s.limit * 1000) / 1000);
  for (let w = 0; w < s.windows; w++) {
    const a = perSide[0]!.admitted[w]!;
    const b = perSide[1]!.admitted[w]!;
    rows.push(row(name, `window ${w + 1} fleet admitted`, a + b, `≤ ${Math.floor(1.1 * s.limit)}`, a + b <= 1.1 * s.limit));
    rows.push(row(name, `window ${w + 1} side of 3 / side of 2`, `${a} / ${b}`, `≥ ${minA} / ≥ ${minB}`, a >= minA && b >= minB));
  }
  const un = perSide[0]!.unanswered + perSide[1]!.unanswered;
  rows.push(row(name, 'unanswered requests', un, '0', un === 0));
  return rows;
}
