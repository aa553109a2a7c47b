/**
 * The Node/V8 settings the `skipjack` command runs with, in one place: the command sets the runtime ones
 * itself; the start-up ones only work on the node command line, so the command's shebang, the container
 * image's wrapper (deploy/Dockerfile) and `npm start` pass them, -workers adds them to its workers, and the
 * test and benchmark harnesses start skipjack with them (test/cmd/node-flags.test.ts checks every launcher).
 */
import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags read once, when the heap is set up. A semi-space of 8 MB (Node 24's default grows to 32 MB and
 * more): building a large route table keeps almost every object it allocates, so each scavenge copies a full
 * young generation, and at 1,000,000 routes the default size gave 90–130 ms pauses that a sliced build cannot
 * split (8 MB: 35–46 ms; 16 MB: 59–72 ms). Garbage per request dies young either way; see
 * docs/performance-routing.md "Young generation sized for route builds".
 */
export const startFlags: readonly string[] = Object.freeze([
  '--max-semi-space-size=8',
  // No memory-reducing collection while the process serves: V8's reducer collects 8 s after the heap grew
  // (start-up, and again after any growth) once allocation looks idle, and that collection (100-350 ms pauses
  // per process, marking steps on the main thread) was the slowest route change of the Kubernetes runs and the
  // first changes after a million-route start. Start-up's garbage is collected before the listener opens
  // instead (heap-settle.ts); later growth is collected by the regular collections. Only works at start: the
  // reducer is made when the heap is set up.
  '--no-memory-reducer',
]);

/** V8 flags that take effect when set at run time, before the first request. */
export const runtimeFlags: readonly string[] = Object.freeze([
  // V8 moves an allocation site to the old generation when its objects survived the first scavenges, which
  // under load at start-up are tiny and full of in-flight requests. A pretenured per-request object then keeps
  // every young object it points to alive through the next scavenges: in about one start of three, 15-20 MB
  // survived each scavenge, with 12-20 ms pauses and twice the p99 latency for the whole life of the process
  // (docs/performance-proxy.md). Set before the first request, so before any such decision; workers run this too.
  '--no-allocation-site-pretenuring',
  // Route regexps come from route authors, the strings they run on from clients. Route and annotation
  // expressions are linear by construction (src/predicates/regexp.ts: V8 only for a provably safe class, RE2
  // otherwise); this flag is a second line for the few operator-given expressions that still run on V8 (e.g.
  // -kubernetes-ingress-class): a match exceeding 50,000 backtracks is re-run on V8's linear-time engine.
  '--enable-experimental-regexp-engine-on-excessive-backtracks',
  // The old generation may grow to twice what the last full collection kept before the next one starts (Go's
  // default GOGC=100, what Skipper runs with; V8 picks 1.1-1.5x for heaps this size). Every route change
  // allocates its generation's route lists, and with V8's factor each -workers process ran a full collection
  // every ≈ 30 Kubernetes changes, each one the slowest change around it (docs/performance-kubernetes.md).
  '--heap-growing-percent=100',
]);

export function applyRuntimeFlags(): void {
  for (const f of runtimeFlags) setFlagsFromString(f);
}

/** `execArgv` with every start flag it lacks (by flag name) added: what a child skipjack process is started with. */
export function withStartFlags(execArgv: readonly string[]): string[] {
  const name = (f: string) => f.split('=')[0];
  const have = new Set(execArgv.map(name));
  return [...execArgv, ...startFlags.filter((f) => !have.has(name(f)))];
}
