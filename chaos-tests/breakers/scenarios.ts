/**
 * INVARIANT: when a backend dies, breakers shared across the swarm stop the whole fleet after about
 * threshold + K failed requests (per-instance breakers: K × threshold), every instance opens shortly after
 * the quorum, and the fleet probes the dead backend with at most the configured half-open requests per
 * timeout; one instance with a broken path opens only its own breaker (0 fleet-wide opens); under 3× backend
 * capacity, load shedding keeps admitted requests fast and answers every request (none lost silently).
 *
 * Real processes: the built skipjack bin, a counting backend on 127.0.0.1, a fault-injecting TCP proxy; the
 * one-bad-node scenario uses network namespaces (root only). Load bounded in count and time.
 */
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createNetnsPair, netnsAvailable } from '../../test/support/netns.ts';
import { startCountingBackend } from '../lib/backend.ts';
import { onCleanup } from '../lib/cleanup.ts';
import { gossipAddresses, gossipArgs, liveMembers, startInstance, until, type Skipjack } from '../lib/fleet.ts';
import { closePools, one, runLoad } from '../lib/load.ts';
import { percentile, row, type Row } from '../lib/table.ts';

const run = promisify(execFile);

export interface DeadBackendResult {
  failures: number;
  allOpenMs: number;
  afterQuorumMs: number;
  probes: number;
  everyInstanceOpened: boolean;
}

/**
 * K instances with consecutiveBreaker(threshold, timeout) in front of one backend that switches to 100 %
 * 5xx. `shared`: gossip swarm (shared breakers); else plain per-instance breakers.
 */
export async function deadBackend(k: number, threshold: number, shared: boolean, timeoutS = 2, rate = 100): Promise<DeadBackendResult> {
  const b = await startCountingBackend();
  const route = `-inline-routes=r: * -> consecutiveBreaker(${threshold}, "${timeoutS}s", 1) -> "${b.url}"`;
  let fleet: Skipjack[];
  if (shared) {
    const addrs = await gossipAddresses(k);
    fleet = await Promise.all(addrs.map((self) => startInstance([...gossipArgs(self, addrs), '-enable-breakers', route])));
    await until(() => fleet.every((f) => liveMembers(f) === k), `${k} members live`, 30_000);
  } else {
    fleet = await Promise.all(Array.from({ length: k }, () => startInstance(['-enable-breakers', route])));
  }
  for (const f of fleet) await one(f.base);
  b.mode = 'fail';
  b.reset();
  const begin = Date.now();
  const samples = await runLoad(fleet.map((f) => ({ base: f.base, alive: true })), { rate, durationMs: 1500 + (timeoutS + 1) * 1000, timeoutMs: 5000 });
  await closePools();
  const firstOpen = fleet.map((_, i) => samples.filter((s) => s.instance === i && s.status === 503).reduce((m, s) => Math.min(m, s.t), Infinity));
  const allOpen = Math.max(...firstOpen);
  const failures = b.failures.filter((t) => t <= allOpen).length;
  // The quorum is reached at the latest with the last failed request before the fleet was open.
  const quorum = b.failures.filter((t) => t <= allOpen).reduce((m, t) => Math.max(m, t), begin);
  // One timeout after the last instance opened: every instance's first half-open period falls in it.
  const probes = b.arrivals.filter((t) => t > allOpen && t <= allOpen + timeoutS * 1000).length;
  return { failures, allOpenMs: allOpen - begin, afterQuorumMs: allOpen - quorum, probes, everyInstanceOpened: Number.isFinite(allOpen) };
}

export async function deadBackendRows(k: number, threshold = 5): Promise<Row[]> {
  const s = await deadBackend(k, threshold, true);
  const p = await deadBackend(k, threshold, false);
  const name = (m: string) => `dead backend K=${k} consecutiveBreaker(${threshold}) ${m}`;
  return [
    row(name('shared'), 'failed requests at backend', s.failures, `≤ ${threshold + k}`, s.failures <= threshold + k),
    row(name('per-instance'), 'failed requests at backend', p.failures, `${k * threshold} expected`, undefined),
    row(name('shared'), 'every instance opened', String(s.everyInstanceOpened), 'true', s.everyInstanceOpened),
    row(name('shared'), 'all open after the last failed request (quorum)', `${s.afterQuorumMs} ms`, '≤ 500 ms', s.afterQuorumMs <= 500),
    row(name('per-instance'), 'all open after first failure', `${p.allOpenMs} ms`, '', undefined),
    row(name('shared'), 'backend requests in the timeout after all opened (probes)', s.probes, '≤ 1 (configured)', s.probes <= 1),
    row(name('per-instance'), 'backend requests in the timeout after all opened (probes)', p.probes, `${k} expected`, undefined),
  ];
}

/** Runs a node program inside `ns` (own process group, killed by cleanup); resolves on its first output. */
async function nsProcess(ns: string, args: string[]): Promise<{ send(line: string): Promise<string> }> {
  const p = spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  onCleanup(() => {
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  });
  p.stdout!.setEncoding('utf8');
  const next = (): Promise<string> => new Promise((resolve, reject) => {
    p.stdout!.once('data', (d: string) => resolve(d));
    p.once('exit', (c) => reject(new Error(`process in ${ns} exited with ${c}`)));
  });
  await next();
  return { send: (line) => { const r = next(); p.stdin!.write(`${line}\n`); return r; } };
}

async function curl(ns: string, url: string): Promise<number> {
  const { stdout } = await run('ip', ['netns', 'exec', ns, 'curl', '-s', '-o', '/dev/null', '-m', '10', '-w', '%{http_code}', url]);
  return Number(stdout);
}

/**
 * One bad node: K instances share breakers over gossip and all route to 127.0.0.2:8080. K-1 live in
 * namespace `a`, where that address is the healthy backend; one lives in `b`, where it is the fault-injecting
 * TCP proxy forwarding over the veth pair to the same backend — until the proxy is broken.
 */
export async function oneBadNode(k = 5, threshold = 5): Promise<Row[]> {
  const name = `one bad node K=${k} consecutiveBreaker(${threshold})`;
  if (!netnsAvailable()) return [row(name, 'skipped', 'needs root and iproute2 (network namespaces)', 'root', undefined)];
  const ns = createNetnsPair();
  onCleanup(() => ns.remove());
  await nsProcess(ns.a, ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(8080, '0.0.0.0', () => console.log('listening'))`]);
  const proxy = await nsProcess(ns.b, ['chaos-tests/lib/fault-proxy.ts', '127.0.0.2:8080', `${ns.ipA}:8080`]);
  const members = Array.from({ length: k }, (_, i) => `${i < k - 1 ? ns.ipA : ns.ipB}:${7101 + i}`);
  const homes = members.map((_, i) => (i < k - 1 ? ns.a : ns.b));
  const fleet = await Promise.all(members.map((self, i) => startInstance([
    ...gossipArgs(self, members), '-enable-breakers', `-inline-routes=r: * -> consecutiveBreaker(${threshold}, "1m") -> "http://127.0.0.2:8080"`,
  ], { prefix: ['ip', 'netns', 'exec', homes[i]!] })));
  await until(() => fleet.every((f) => liveMembers(f) === k), `${k} members live`, 30_000);
  const healthyBefore = (await Promise.all(fleet.map((f, i) => curl(homes[i]!, f.base + '/')))).every((s) => s === 200);
  await proxy.send('break');
  let goodNon200 = 0;
  const bad: number[] = [];
  for (let round = 0; round < 3 * threshold; round++) {
    const st = await Promise.all(fleet.map((f, i) => curl(homes[i]!, f.base + '/')));
    goodNon200 += st.slice(0, k - 1).filter((s) => s !== 200).length;
    bad.push(st[k - 1]!);
  }
  const badOpened = bad.slice(-3).every((s) => s === 503);
  return [
    row(name, 'all healthy before the break', String(healthyBefore), 'true', healthyBefore),
    row(name, 'non-200 answers on the good nodes (fleet-wide opens)', goodNon200, '0', goodNon200 === 0),
    row(name, 'bad node\'s own breaker opened (503)', `${String(badOpened)} (${bad.join(' ')})`, 'true', badOpened),
  ];
}

/**
 * Overload: one instance, backend capacity `capacity` concurrent × `serviceMs`; lifo sized to the backend.
 * Unloaded p99 at 0.5× capacity, then admitted p99 at 3× capacity; every request answered 200 or 503.
 */
export async function overload(o: { capacity?: number; serviceMs?: number; seconds?: number } = {}): Promise<Row[]> {
  const capacity = o.capacity ?? 2;
  const serviceMs = o.serviceMs ?? 25;
  const seconds = o.seconds ?? 3;
  const b = await startCountingBackend({ capacity, serviceMs });
  const s = await startInstance([`-inline-routes=r: * -> lifo(${capacity}, ${capacity}, "1s") -> "${b.url}"`]);
  const perSecond = (capacity * 1000) / serviceMs;
  const t = [{ base: s.base, alive: true }];
  const calm = await runLoad(t, { rate: perSecond / 2, durationMs: 2000 });
  const hot = await runLoad(t, { rate: 3 * perSecond, durationMs: seconds * 1000, timeoutMs: 5000 });
  await closePools();
  const p99 = (xs: typeof calm) => percentile(xs.filter((x) => x.status === 200).map((x) => x.latencyMs), 99);
  const calmP99 = p99(calm);
  const hotP99 = p99(hot);
  const lost = hot.filter((x) => x.status !== 200 && x.status !== 503).length;
  const name = `overload 3× capacity (${perSecond}/s) lifo(${capacity}, ${capacity}, "1s")`;
  return [
    row(name, 'admitted / shed (503)', `${hot.filter((x) => x.status === 200).length} / ${hot.filter((x) => x.status === 503).length}`, '', undefined),
    row(name, 'admitted p99 loaded vs unloaded', `${hotP99.toFixed(1)} vs ${calmP99.toFixed(1)} ms`, `≤ ${(2 * calmP99).toFixed(1)} ms (2×)`, hotP99 <= 2 * calmP99),
    row(name, 'requests lost silently (not 200/503)', lost, '0', lost === 0),
  ];
}
