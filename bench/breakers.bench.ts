/**
 * Breaker cost per attempt (before + after) with one owner per instance. In-process (`-workers 1`: the
 * guard counts in the process) against a node:cluster worker whose primary owns the breakers
 * (src/circuit/instance-breakers.ts): closed breakers pass locally and report each result, batched per
 * event-loop turn (success; none for a clean consecutive breaker) or sent at once (failure); an armed breaker (one failure from opening) asks the
 * owner before each attempt. Figures: wall µs per attempt in the worker, and CPU µs per attempt of the
 * worker and of the primary (process.cpuUsage), `per-turn` attempts in each event-loop turn.
 *
 *   npx node bench/breakers.bench.ts [--attempts=200000] [--per-turn=64]
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { breakerGuard } from '../src/circuit/breaker-guard.ts';
import { BreakerOwner, ownedBreakerGuard } from '../src/circuit/instance-breakers.ts';
import { BreakerRegistry } from '../src/circuit/registry.ts';
import { parseBreakerFlag } from '../src/circuit/settings.ts';
import type { AttemptInfo, AttemptOutcome, BackendGuard } from '../src/proxy/guard.ts';

const arg = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const N = Number(arg('attempts', '200000'));
const PER_TURN = Number(arg('per-turn', '64'));
// Closed breakers that never open (huge threshold), and one that is always armed (one failure opens it).
const flags = ['type=consecutive,failures=1000000000,timeout=1h', 'host=armed.test:80,type=consecutive,failures=1,timeout=1h',
  'host=rate.test:80,type=rate,window=100,failures=1000000000,timeout=1h'];
const registry = (): BreakerRegistry => new BreakerRegistry(flags.map(parseBreakerFlag));

const info = (host: string): AttemptInfo => ({ routeId: 'r', backendHost: host, origin: `http://${host}`, attempt: 0, method: 'GET', stateBag: new Map() });
const OK: AttemptOutcome = { status: 200, durationMs: 1 };
const FAIL: AttemptOutcome = { status: 500, durationMs: 1 };
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** `n` attempts through `guard`, `PER_TURN` of them per event-loop turn; wall and CPU µs per attempt. */
async function run(guard: BackendGuard, host: string, outcome: AttemptOutcome, n: number): Promise<{ wall: number; cpu: number }> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let done = 0; done < n; done += PER_TURN) {
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < PER_TURN; i++) {
      const a = info(host);
      const r = guard.before(a);
      if (r instanceof Promise) batch.push(r.then(() => guard.after(a, outcome)));
      else guard.after(a, outcome);
    }
    if (batch.length > 0) await Promise.all(batch);
    else await turn();
  }
  // One round trip behind every report sent: the owner has counted them all.
  const settle = info('armed.test:80');
  const r = await guard.before(settle);
  if (r === undefined) guard.after(settle, OK);
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1000 / n, cpu: (c.user + c.system) / n };
}

if (cluster.isWorker) {
  const guard = ownedBreakerGuard(registry());
  await run(guard, 'closed.test:80', OK, 5000); // warm-up, and the keys are defined
  await run(guard, 'armed.test:80', OK, 500);
  await run(guard, 'rate.test:80', OK, 500);
  const rows: [string, { wall: number; cpu: number }][] = [];
  for (const [name, host, outcome, n] of [
    ['closed consecutive, success (clean: not reported)', 'closed.test:80', OK, N],
    ['closed rate, success (reports batched per turn)', 'rate.test:80', OK, N],
    ['closed, failure (each report sent at once)', 'closed.test:80', FAIL, Math.min(N, 50_000)],
    ['armed (asks the owner before each attempt)', 'armed.test:80', OK, Math.min(N, 50_000)],
  ] as const) {
    process.send!({ mark: 'start' });
    const r = await run(guard, host, outcome, n);
    await new Promise<void>((res) => process.send!({ mark: 'end', name, r }, () => res()));
    rows.push([name, r]);
  }
  process.send!({ mark: 'exit' }, () => process.exit(0));
} else {
  const local = breakerGuard(registry());
  await run(local, 'closed.test:80', OK, 5000);
  const inProcess = await run(local, 'closed.test:80', OK, N);
  const inProcessFail = await run(local, 'closed.test:80', FAIL, N);
  const stop = new BreakerOwner(registry()).serve();
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), args: process.argv.slice(2) });
  const w = cluster.fork();
  const lines: string[] = [];
  let c0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    w.on('message', (m: { mark?: string; name?: string; r?: { wall: number; cpu: number } }) => {
      if (m?.mark === 'start') c0 = process.cpuUsage();
      else if (m?.mark === 'end') {
        const c = process.cpuUsage(c0);
        const n = m.name!.includes(', success') ? N : Math.min(N, 50_000);
        lines.push(`| worker, ${m.name} | ${m.r!.wall.toFixed(2)} | ${m.r!.cpu.toFixed(2)} | ${((c.user + c.system) / n).toFixed(2)} |`);
      } else if (m?.mark === 'exit') resolve();
    });
  });
  stop();
  console.log(`\nBreaker guard, ${N.toLocaleString('en')} attempts, ${PER_TURN} per event-loop turn\n`);
  console.log('| path | wall µs per attempt | worker (or process) CPU µs per attempt | primary CPU µs per attempt |\n| --- | --- | --- | --- |');
  console.log(`| in-process (-workers 1), success | ${inProcess.wall.toFixed(2)} | ${inProcess.cpu.toFixed(2)} | – |`);
  console.log(`| in-process (-workers 1), failure | ${inProcessFail.wall.toFixed(2)} | ${inProcessFail.cpu.toFixed(2)} | – |`);
  for (const l of lines) console.log(l);
}
