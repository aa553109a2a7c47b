/**
 * The breakers of one instance under `-workers N`: one owner however many workers serve (Skipper keeps one
 * breaker per host per instance). The primary holds the {@link BreakerRegistry} whose state machines decide;
 * workers keep a mirror of each breaker's state and ask the owner only when the answer can change.
 *
 * The owner broadcasts a breaker's view whenever it changes:
 * - `closed`: workers let requests through without asking and report each result (batched per event-loop
 *   turn, fire and forget);
 * - `armed`: closed, but the next failure may open it (failures ≥ threshold − 1); workers ask the owner
 *   before each request, so the request after the opening failure is refused wherever it lands;
 * - `open` until a time: workers refuse locally until then, then ask (the owner turns it half-open);
 * - `half-open`: workers ask; the owner grants the probes (halfOpenRequests across all workers).
 *
 * Successes on a closed consecutiveBreaker with no failure counted are not reported at all (they change
 * nothing), so a healthy backend costs no IPC; a success that races a failure from another worker may then go
 * uncounted for the broadcast's delay. A success on a consecutiveBreaker with failures counted is reported at
 * once, like a failure (it resets the count); rate breakers' successes are batched per turn. A failure is reported at once (not at the end of the turn), before the response that carries it leaves,
 * so a client that saw the failure cannot reach a worker before the owner counted it. Results of requests
 * let through in an earlier generation (or by a breaker the owner has since dropped as idle) are ignored,
 * as in one process. Swarm sharing (shared.ts) hangs off the owner's registry, once per instance.
 */
import cluster, { type Worker } from 'node:cluster';
import { InstanceChannel, serveInstanceChannel } from '../lifecycle/index.ts';
import type { AttemptInfo, BackendGuard, Refusal } from '../proxy/guard.ts';
import { type Breaker, REFUSED } from './breaker.ts';
import { BREAKER_OPEN, ROUTE_SETTINGS_KEY, type RefusalListener } from './breaker-guard.ts';
import type { BreakerRegistry } from './registry.ts';
import type { BreakerSettings } from './settings.ts';

const CHANNEL = 'breakers';
const STATE = 'skj:breaker-state';

/** What workers act on: the breaker's state, with `armed` for a closed breaker one failure from opening. */
export type BreakerView = 'closed' | 'armed' | 'open' | 'half-open';

/**
 * [key, incarnation, generation, view, open until (ms since epoch), sequence, clean]. Clean (1): a closed
 * consecutive breaker with no failure counted, to which a success is no news (workers do not report it).
 */
type Mirror = [string, number, number, BreakerView, number, number, number];

/**
 * Queries, as tuples to keep IPC messages small:
 * ['d', key, host, settings] defines a key (once per worker) and answers its mirror;
 * ['a', key] asks for a pass: the generation, or -1 when refused, then the mirror;
 * ['r', key, incarnation, generation, 1|0] reports a result; ['s', key, incarnation, generation, n] reports n
 * successes (one per key per turn); ['f', key, incarnation, generation] frees a probe.
 */
type Query =
  | ['d', string, string, BreakerSettings]
  | ['a', string]
  | ['r', string, number, number, number]
  | ['s', string, number, number, number]
  | ['f', string, number, number];
type Answer = Mirror | [number, Mirror] | [-2, null] | 0;

/** The answer to a pass asked for a key the owner no longer knows. */
const UNDEFINED: [-2, null] = [-2, null];

interface StateMessage {
  type: typeof STATE;
  m: Mirror;
}

/** In the primary: the owner of the instance's breakers, answering the workers. */
export class BreakerOwner {
  readonly #registry: BreakerRegistry;
  readonly #defs = new Map<string, { host: string; settings: BreakerSettings }>();
  readonly #incarnation = new WeakMap<Breaker, number>();
  /** The last broadcast view and generation of each breaker. */
  readonly #view = new WeakMap<Breaker, string>();
  #nextIncarnation = 1;
  #seq = 0;

  constructor(registry: BreakerRegistry) {
    this.#registry = registry;
    registry.onCreate((b) => this.#incarnation.set(b, this.#nextIncarnation++));
    registry.onTransition((b) => this.#changed(b));
  }

  /** Answers the workers' queries; returns the function that stops. */
  serve(): () => void {
    return serveInstanceChannel<Query, Answer>(CHANNEL, (q: Query, _w: Worker) => this.#answer(q));
  }

  #answer(q: Query): Answer {
    if (q[0] === 'd') {
      const [, key, host, settings] = q;
      if (typeof key !== 'string' || typeof host !== 'string' || typeof settings !== 'object' || settings === null) {
        throw new Error(`bad breaker definition ${JSON.stringify(q)}`);
      }
      if (!this.#defs.has(key)) this.#prune();
      this.#defs.set(key, { host, settings });
      return this.#mirror(this.#breaker(key)!);
    }
    const b = this.#breaker(q[1]);
    // Dropped as idle here and pruned: the worker defines it again (UNDEFINED), results are not counted.
    if (b === null) return q[0] === 'a' ? UNDEFINED : 0;
    const now = this.#registry.now();
    if (q[0] === 'a') {
      const ticket = b.allow(now);
      return [ticket === REFUSED ? -1 : ticket, this.#mirror(b)];
    }
    // A pass granted by an incarnation dropped as idle here (clean successes are not reported, so a breaker
    // in steady healthy use can look idle to the owner): a closed pass counts on its successor.
    let ticket = q[3];
    if (this.#incarnation.get(b) !== q[2]) {
      if (b.state !== 'closed') return 0;
      ticket = b.generation;
    }
    q[3] = ticket;
    if (q[0] === 'r') {
      b.done(q[3], q[4] === 1, now);
      this.#changed(b);
    } else if (q[0] === 's') {
      if (!Number.isInteger(q[4]) || q[4] < 1) throw new Error(`bad breaker report ${JSON.stringify(q)}`);
      for (let i = 0; i < q[4]; i++) b.done(q[3], true, now);
      this.#changed(b);
    } else {
      b.release(q[3]);
    }
    return 0;
  }

  /** Forgets definitions whose breakers the registry dropped as idle (endpoints come and go). */
  #prune(): void {
    for (const key of this.#defs.keys()) if (this.#registry.byKey(key) === undefined) this.#defs.delete(key);
  }

  /**
   * The breaker for a defined key, null for an unknown one. Through the registry's own lookup, so a breaker
   * idle for its idle-ttl starts afresh as in one process (a new incarnation, broadcast to the workers).
   */
  #breaker(key: string): Breaker | null {
    const d = this.#defs.get(key);
    if (d === undefined) return null;
    const before = this.#registry.byKey(key);
    const now = this.#registry.now();
    if (before !== undefined && now - before.lastUsed <= before.settings.idleTtlMs) {
      before.lastUsed = now;
      return before;
    }
    const b = this.#registry.forSettings(d.host, d.settings);
    if (b !== before) this.#changed(b);
    return b;
  }


  #viewOf(b: Breaker): BreakerView {
    if (b.state !== 'closed') return b.state;
    return b.failureCount >= b.settings.failures - 1 ? 'armed' : 'closed';
  }

  #mirror(b: Breaker): Mirror {
    const clean = b.state === 'closed' && b.settings.type === 'consecutive' && b.failureCount === 0 ? 1 : 0;
    return [b.key, this.#incarnation.get(b) ?? 0, b.generation, this.#viewOf(b), b.state === 'open' ? b.openedAt + b.timeoutMs : 0, this.#seq, clean];
  }

  /** Broadcasts the breaker's view to every worker when it changed. */
  #changed(b: Breaker): void {
    const clean = b.state === 'closed' && b.failureCount === 0;
    const view = `${this.#viewOf(b)}|${b.generation}|${clean}`;
    if (this.#view.get(b) === view) return;
    this.#view.set(b, view);
    this.#seq++;
    const msg: StateMessage = { type: STATE, m: this.#mirror(b) };
    for (const w of Object.values(cluster.workers ?? {})) {
      if (w !== undefined && w.isConnected()) w.send(msg);
    }
  }
}

interface Pass {
  key: string;
  incarnation: number;
  ticket: number;
}

/**
 * In a worker: breakers as a BackendGuard over the owner's state. `registry` (built from the same flags as
 * the owner's) only resolves a request to its breaker key and settings; its breakers never count.
 */
export function ownedBreakerGuard(registry: BreakerRegistry, onRefuse: RefusalListener | null = null, o: { timeoutMs?: number } = {}): BackendGuard {
  const channel = new InstanceChannel<Query, Answer>(CHANNEL, o);
  const mirrors = new Map<string, Mirror>();
  const defining = new Map<string, Promise<void>>();
  const passes = new WeakMap<AttemptInfo, Pass>();
  const update = (m: Mirror): void => {
    const cur = mirrors.get(m[0]);
    if (cur === undefined || m[5] >= cur[5]) mirrors.set(m[0], m);
  };
  process.on('message', (msg: StateMessage) => {
    if (msg?.type === STATE && Array.isArray(msg.m)) update(msg.m);
  });
  const refuse = (b: Breaker): Refusal => {
    if (onRefuse !== null) onRefuse(b);
    return BREAKER_OPEN;
  };
  // The owner unreachable (timeout, primary gone): the request goes through uncounted rather than failing.
  const ignore = (): void => {};
  // Successes of this turn, per key: [incarnation, generation, count], sent as one report each.
  const successes = new Map<string, [number, number, number]>();
  let scheduled = false;
  const sendSuccesses = (key: string, e: [number, number, number]): void => {
    successes.delete(key);
    channel.request(['s', key, e[0], e[1], e[2]]).then(ignore, ignore);
  };
  const flushSuccesses = (): void => {
    scheduled = false;
    for (const [key, e] of successes) sendSuccesses(key, e);
  };
  const decide = (a: AttemptInfo, b: Breaker, m: Mirror): Refusal | undefined | Promise<Refusal | undefined> => {
    if (m[3] === 'closed') {
      passes.set(a, { key: m[0], incarnation: m[1], ticket: m[2] });
      return undefined;
    }
    if (m[3] === 'open' && registry.now() < m[4]) return refuse(b);
    return channel.request(['a', m[0]]).then((ans) => {
      const [ticket, mirror] = ans as [number, Mirror | null];
      if (mirror === null) {
        mirrors.delete(m[0]);
        return undefined;
      }
      update(mirror);
      if (ticket < 0) return refuse(b);
      passes.set(a, { key: m[0], incarnation: mirror[1], ticket });
      return undefined;
    }, () => undefined);
  };
  return {
    before(a) {
      const route = (a.stateBag.get(ROUTE_SETTINGS_KEY) as BreakerSettings | undefined) ?? null;
      const b = registry.get(a.backendHost, route);
      if (b === null) return undefined;
      const m = mirrors.get(b.key);
      if (m !== undefined) return decide(a, b, m);
      // First use of this key in this worker: the owner defines it and answers its state (once per key).
      let d = defining.get(b.key);
      if (d === undefined) {
        // Mirrors of breakers this worker's registry dropped as idle go (endpoints come and go).
        for (const k of mirrors.keys()) if (registry.byKey(k) === undefined) mirrors.delete(k);
        d = channel.request(['d', b.key, b.host, b.settings]).then((ans) => {
          update(ans as Mirror);
          defining.delete(b.key);
        });
        defining.set(b.key, d);
      }
      return d.then(() => {
        const now = mirrors.get(b.key);
        return now === undefined ? undefined : decide(a, b, now);
      }, () => {
        defining.delete(b.key);
        return undefined;
      });
    },
    after(a, out) {
      const p = passes.get(a);
      if (p === undefined) return;
      passes.delete(a);
      if (out.refused === true || out.clientGone === true) {
        channel.request(['f', p.key, p.incarnation, p.ticket]).then(ignore, ignore);
        return;
      }
      const success = out.error === undefined && (out.status ?? 0) < 500;
      // A success on a clean consecutive breaker changes nothing: the common healthy case costs no IPC.
      if (success && mirrors.get(p.key)?.[6] === 1) return;
      const e = successes.get(p.key);
      if (success && registry.byKey(p.key)?.settings.type === 'consecutive') {
        // A success on a consecutive breaker with failures counted resets the count: reported at once, as a
        // failure is, before the response that carries it leaves. Batched, it raced the failure of the
        // client's next request on another worker, which the owner then counted first (and opened early).
        if (e !== undefined) sendSuccesses(p.key, e);
        channel.requestNow(['s', p.key, p.incarnation, p.ticket, 1]).then(ignore, ignore);
        return;
      }
      if (success) {
        if (e !== undefined && e[0] === p.incarnation && e[1] === p.ticket) e[2]++;
        else {
          if (e !== undefined) sendSuccesses(p.key, e);
          successes.set(p.key, [p.incarnation, p.ticket, 1]);
        }
        if (!scheduled) {
          scheduled = true;
          setImmediate(flushSuccesses);
        }
        return;
      }
      // The successes before this failure count first (a success resets a consecutive count).
      if (e !== undefined) sendSuccesses(p.key, e);
      channel.requestNow(['r', p.key, p.incarnation, p.ticket, 0]).then(ignore, ignore);
    },
  };
}
