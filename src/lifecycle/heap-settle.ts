/**
 * The heap settled once at start-up, before a process serves: one full collection after the first route table
 * (or the primary's first route list) is built and before the listener opens. A regular one, not V8's
 * memory-reducing kind: that one also shrinks the young generation to its minimum, and the first route changes
 * then ran a dozen scavenges each.
 *
 * Why: start-up allocates far more than a process keeps (the Kubernetes client's lists, a route file's text, the
 * build's intermediates). Left to V8, that garbage is collected by its memory reducer 8–12 s after start-up,
 * while the process already serves: one major collection of 100–350 ms per process, which was the slowest route
 * change of every Kubernetes benchmark run (docs/performance-kubernetes.md). Collected here, before any request
 * or route change can wait on it, the pause costs start-up time instead, and the old generation's limits start
 * from what the process really keeps. V8's reducer is off (node-flags.ts' startFlags); without it, start-up's
 * garbage would otherwise stay until the old generation reached its limit.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { service } from './runner.ts';
import type { Service } from './service.ts';

type GcOptions = { type: 'major'; execution: 'sync' };
let collect: ((o: GcOptions) => void) | null = null;

/**
 * V8's collector, without a global `gc`: --expose-gc set at run time installs it in contexts created after,
 * so only a fresh context of our own gets it.
 */
function collector(): (o: GcOptions) => void {
  if (collect === null) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as (o: GcOptions) => void;
  }
  return collect;
}

/** Bytes the heap held before and after settling, and how long it took. */
export interface Settled {
  readonly beforeBytes: number;
  readonly afterBytes: number;
  readonly ms: number;
}

/** Collects every unreachable object now (blocks: call it only while nothing is served). */
export function settleHeap(): Settled {
  const beforeBytes = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  collector()({ type: 'major', execution: 'sync' });
  return { beforeBytes, afterBytes: process.memoryUsage().heapUsed, ms: performance.now() - t0 };
}

/**
 * A start-up step: settles the heap when the runner reaches it (place it before the listener) and tells `log`
 * what it freed, e.g. "heap settled before serving: 32 → 24 MB in 29 ms".
 */
export function heapSettleService(log: (msg: string) => void = () => {}): Service {
  return service('settle the heap', () => {
    const s = settleHeap();
    const mb = (b: number) => (b / 1048576).toFixed(0);
    log(`heap settled before serving: ${mb(s.beforeBytes)} → ${mb(s.afterBytes)} MB in ${s.ms.toFixed(0)} ms`);
  }, () => {});
}
