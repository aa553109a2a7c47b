/**
 * Breakers shared across a swarm over the SwarmBus port. Each instance keeps Skipper's per-instance
 * breakers and, in addition:
 *
 * - publishes failure evidence: after every failure (and when its failure count drops) the breaker's
 *   current count, keyed by breaker key (backend host + settings, equal on every instance with the same
 *   configuration);
 * - opens a breaker fleet-wide only on a quorum: when instances with fresh evidence number at least
 *   `quorum` (default 2; or `share` of the live members, if larger) and their counts add up to the
 *   breaker's threshold. One instance's broken path therefore opens only its own breaker (by Skipper's
 *   local rule), never the fleet's;
 * - coordinates half-open probing of fleet-opened breakers: the live member ranked first by rendezvous
 *   hashing of the key probes (up to the breaker's half-open-requests); the others stay open until it
 *   reports the breaker closed (all close) or reopened (all restart their timeout). If no word comes within
 *   two timeouts (the prober died), the others fall back to probing themselves.
 *
 * Delivery is best-effort: a lost message delays a fleet-wide open to the instances' own thresholds (the
 * per-instance behaviour) and never opens a breaker that local or quorum evidence does not justify.
 * Without a bus none of this runs and breakers are exactly Skipper's.
 */
import type { Service } from '../lifecycle/index.ts';
import type { SwarmBus, SwarmMessage } from './ports.ts';
import type { Breaker, BreakerState } from './breaker.ts';
import type { BreakerRegistry } from './registry.ts';

/** The topic of breaker messages; versioned so that a format change cannot be misread. */
export const BREAKER_TOPIC = 'skipjack.breakers.v1';

export interface SharedBreakerOptions {
  /** Distinct instances whose evidence is needed to open fleet-wide; default 2, at least 2. */
  quorum?: number;
  /** Alternatively a share of the live members (0..1]; the larger of the two applies. */
  share?: number;
  /** Evidence older than this is ignored (ms); default 10 s. */
  evidenceTtlMs?: number;
  /** Told of every message sent or received (metrics). */
  onMessage?: (direction: 'sent' | 'received', kind: string) => void;
  /** Told of publish failures (the log); they never fail a request. */
  onError?: (err: Error) => void;
}

type Message =
  | { k: 'evidence'; key: string; n: number }
  | { k: 'transition'; key: string; to: BreakerState; fleet: boolean };

interface Evidence {
  n: number;
  at: number;
}

/** FNV-1a over a string: a stable rank for rendezvous hashing. */
function rank(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class SharedBreakers implements Service {
  readonly name = 'shared-breakers';
  readonly #registry: BreakerRegistry;
  readonly #bus: SwarmBus;
  readonly #quorum: number;
  readonly #share: number;
  readonly #ttl: number;
  readonly #o: SharedBreakerOptions;
  /** Evidence per breaker key, per member. */
  readonly #evidence = new Map<string, Map<string, Evidence>>();
  /** Keys of fleet-open breakers this instance is probing for the fleet. */
  readonly #probing = new Set<string>();
  #unsubscribe: (() => void) | null = null;
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder();

  constructor(registry: BreakerRegistry, bus: SwarmBus, o: SharedBreakerOptions = {}) {
    this.#registry = registry;
    this.#bus = bus;
    this.#quorum = Math.max(2, o.quorum ?? 2);
    this.#share = o.share ?? 0;
    this.#ttl = o.evidenceTtlMs ?? 10_000;
    this.#o = o;
    registry.onCreate((b) => this.#wire(b));
    for (const b of registry.breakers()) this.#wire(b);
    registry.onTransition((b, from, to, cause) => this.#transition(b, from, to, cause));
  }

  async start(): Promise<void> {
    this.#unsubscribe ??= this.#bus.subscribe(BREAKER_TOPIC, (m) => this.#receive(m));
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  ready(): boolean {
    return this.#unsubscribe !== null;
  }

  #wire(b: Breaker): void {
    b.onResult = (br, _success, failures) => {
      this.#record(br.key, this.#bus.self, failures);
      this.#publish({ k: 'evidence', key: br.key, n: failures });
      if (failures > 0 && br.state === 'closed') this.#evaluate(br);
    };
    b.mayProbe = (br) => this.#mayProbe(br);
  }

  #mayProbe(b: Breaker): boolean {
    if (!b.fleetOpen) return true;
    const now = this.#registry.now();
    if (this.#prober(b.key) === this.#bus.self) {
      this.#probing.add(b.key);
      return true;
    }
    // The prober has been silent for two timeouts: it may be gone, so probe locally.
    return now - b.openedAt >= 2 * b.timeoutMs;
  }

  /** The live member that probes for the fleet: the highest rendezvous rank for this key. */
  #prober(key: string): string {
    let best = this.#bus.self;
    let bestRank = -1;
    for (const m of this.#bus.members()) {
      const r = rank(`${key}\n${m}`);
      if (r > bestRank || (r === bestRank && m < best)) {
        best = m;
        bestRank = r;
      }
    }
    return best;
  }

  #transition(b: Breaker, _from: BreakerState, to: BreakerState, cause: 'local' | 'swarm'): void {
    if (cause === 'swarm') {
      if (to === 'open') this.#evidence.delete(b.key);
      return;
    }
    const fleet = this.#probing.has(b.key);
    if (fleet && to !== 'half-open') this.#probing.delete(b.key);
    this.#publish({ k: 'transition', key: b.key, to, fleet });
  }

  #record(key: string, member: string, n: number): void {
    let byMember = this.#evidence.get(key);
    if (byMember === undefined) {
      if (n === 0) return;
      byMember = new Map();
      this.#evidence.set(key, byMember);
    }
    if (n === 0) {
      byMember.delete(member);
      if (byMember.size === 0) this.#evidence.delete(key);
    } else {
      byMember.set(member, { n, at: this.#registry.now() });
    }
  }

  /** Opens `b` fleet-wide when fresh evidence from a quorum of live members reaches its threshold. */
  #evaluate(b: Breaker): void {
    const byMember = this.#evidence.get(b.key);
    if (byMember === undefined) return;
    const members = this.#bus.members();
    const live = new Set(members);
    const now = this.#registry.now();
    const needed = Math.max(this.#quorum, Math.ceil(this.#share * members.length));
    const threshold = Math.max(1, b.settings.failures);
    // No instance alone can carry the count: each contributes at most its share of the threshold, so an
    // instance with a broken path plus one stray failure elsewhere does not open the fleet.
    const cap = Math.ceil(threshold / needed);
    let reporters = 0;
    let sum = 0;
    for (const [m, e] of byMember) {
      if (!live.has(m) || now - e.at > this.#ttl) {
        byMember.delete(m);
        continue;
      }
      reporters++;
      sum += Math.min(e.n, cap);
    }
    if (reporters >= needed && sum >= threshold) {
      this.#evidence.delete(b.key);
      b.openBySwarm(now);
    }
  }

  #receive(m: SwarmMessage): void {
    let msg: Message;
    try {
      msg = JSON.parse(this.#decoder.decode(m.payload)) as Message;
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.key !== 'string') return;
    this.#o.onMessage?.('received', msg.k);
    const b = this.#registry.byKey(msg.key);
    if (msg.k === 'evidence' && typeof msg.n === 'number') {
      this.#record(msg.key, m.from, msg.n);
      if (b !== undefined && msg.n > 0 && b.state === 'closed') this.#evaluate(b);
      return;
    }
    if (msg.k !== 'transition' || b === undefined || !msg.fleet || !b.fleetOpen) return;
    const now = this.#registry.now();
    // Only the fleet prober's results move fleet-opened breakers.
    if (msg.to === 'closed') b.closeBySwarm(now);
    else if (msg.to === 'open') b.openBySwarm(now);
  }

  #publish(msg: Message): void {
    if (this.#unsubscribe === null) return;
    this.#o.onMessage?.('sent', msg.k);
    this.#bus.publish(BREAKER_TOPIC, this.#encoder.encode(JSON.stringify(msg))).catch((e: unknown) => this.#o.onError?.(e as Error));
  }
}
