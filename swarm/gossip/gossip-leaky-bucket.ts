/**
 * SwarmLeakyBucket over gossip (clusterLeakyBucketRatelimit without Redis), with Skipper's semantics: a bucket
 * of `capacity` units leaking one unit per `emissionMs`; an increment is added whole if it fits, else refused
 * with the time until it would fit; an increment above the capacity never fits.
 *
 * Every member runs the bucket itself over the stream of additions it knows of: its own at once, a peer's when
 * that peer's report arrives (each report carries the peer's cumulative units added, so a lost report only
 * delays, and the difference to the last one is what it added since; a bucket instance seen for the first
 * time joins with the units its owner attributes to itself, each member's part leaking in proportion to the
 * level). Late additions can only make a view
 * fuller than the true bucket, never emptier, except by what peers added since their last report — and that
 * lies inside their announced reservations: adding without coordination would let every member fill the room
 * before hearing of the others, so the room is divided as the gossip limiter divides a limit's remainder. At
 * each flush a member that served a bucket takes its share of `capacity − level − peers' reservations`,
 * weighted by reported demand and apportioned in whole increments by largest remainders, announces it and
 * adds at most that until its next flush; a bucket idle for a flush gives its reservation back; a live peer
 * that never reported the bucket is assumed to hold its equal part of the capacity. Units a departed member
 * added stay in the bucket and leak as any others; only its reservation is forgotten. Capacity and leak rate
 * are shared by the members this instance knows: with `live` of `known` answering, this side has
 * `live / known` of both (a partition keeps each side to its share). docs/swarm.md (## Gossip, "Leaky
 * bucket") states the error bound.
 */
import type { Service } from '../../src/lifecycle/index.ts';
import type { Decision, LeakyBucketSettings, SwarmLeakyBucket } from '../../src/ratelimit/ports.ts';
import { apportion, type Weighted } from './apportion.ts';
import type { GossipNode } from './gossip-node.ts';
import type { MemberId } from './membership.ts';
import { demand, emptyCounts, roll, type SlidingCounts } from './sliding-counts.ts';

export interface GossipLeakyBucketOptions {
  node: GossipNode;
  /** -swarm-max-msg-buffer: the largest report part, in bytes. */
  maxMsgBuffer: number;
  /** How often own levels are gossiped (default 100 ms). */
  flushIntervalMs?: number;
  /** How often a full snapshot goes out even without a newcomer (default 2 s). */
  fullIntervalMs?: number;
  onError?: (err: Error) => void;
}

const TOPIC = 'ratelimit/leaky';
/** Demand (attempted units) is weighed over a sliding second. */
const DEMAND_MS = 1000;
/** Levels below this are empty (floating-point dust of the leak). */
const EPSILON = 1e-9;

interface PeerState {
  /** The peer's bucket instance (a random number per creation) and its cumulative units added in it. */
  epoch: number;
  added: number;
  reserved: number;
  demand: number;
  /** Served in its last round: it takes its next share at its flush, announced; an idle one may take one lazily. */
  busy: boolean;
}

interface Bucket {
  readonly label: string;
  readonly capacity: number;
  readonly emissionMs: number;
  /** The bucket's level as this instance knows it, at `at`. */
  level: number;
  at: number;
  /** This instance's bucket instance and cumulative units added (what peers difference). */
  readonly epoch: number;
  added: number;
  /** How many of this instance's units are still in the bucket (its part of the level, leaking in proportion). */
  own: number;
  readonly peers: Map<MemberId, PeerState>;
  readonly attempts: SlidingCounts;
  reportedDemand: number;
  /** The increment of the last request here: the unit the room is apportioned in. */
  increment: number;
  dirty: boolean;
  /** Whether the bucket was served in the round before the current one (this instance is not just waking). */
  busy: boolean;
  round: number;
  budget: number;
  used: number;
  announced: number;
  reported: boolean;
}

/** [label, capacity, emissionMs, epoch, added, own units still in the bucket, reserved, demand, busy 0|1]. */
export type BucketReportEntry = [string, number, number, number, number, number, number, number, number];
type Wire = { f: 0 | 1; e: BucketReportEntry[] };

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Encodes entries in parts of at most `maxBytes` each; only the last part of a full snapshot says full. */
export function encodeBucketReport(full: boolean, entries: readonly BucketReportEntry[], maxBytes: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let cur: BucketReportEntry[] = [];
  let size = 16;
  const flush = (last: boolean) => {
    parts.push(enc.encode(JSON.stringify({ f: last && full ? 1 : 0, e: cur } satisfies Wire)));
    cur = [];
    size = 16;
  };
  for (const e of entries) {
    const n = JSON.stringify(e).length * 3 + 1; // worst-case UTF-8 expansion keeps the bound a bound
    if (cur.length > 0 && size + n > maxBytes) flush(false);
    cur.push(e);
    size += n;
  }
  flush(true);
  return parts;
}

/** Decodes a report part; throws on a malformed one (the caller drops it whole). */
export function decodeBucketReport(bytes: Uint8Array): { full: boolean; entries: BucketReportEntry[] } {
  const w = JSON.parse(dec.decode(bytes)) as Wire;
  if (!w || !Array.isArray(w.e)) throw new Error('malformed leaky-bucket report');
  for (const x of w.e) {
    if (!Array.isArray(x) || x.length !== 9 || typeof x[0] !== 'string') throw new Error('malformed leaky-bucket report entry');
    const nums = x.slice(1) as number[];
    if (!nums.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) || !(x[1] > 0) || !(x[2] > 0)) {
      throw new Error('malformed leaky-bucket report entry');
    }
  }
  return { full: w.f === 1, entries: w.e };
}

const ALLOWED: Decision = Object.freeze({ allowed: true, retryAfterMs: 0, source: 'gossip' });

export class GossipLeakyBucket implements SwarmLeakyBucket, Service {
  readonly name = 'swarm-gossip-leaky-bucket';
  readonly #o: GossipLeakyBucketOptions;
  readonly #node: GossipNode;
  readonly #buckets = new Map<string, Bucket>();
  readonly #synced = new Set<MemberId>();
  #live: ReadonlySet<MemberId> = new Set();
  #round = 1;
  #sendFull = true;
  #lastFull = 0;
  #timer: NodeJS.Timeout | undefined;
  #unsub: (() => void)[] = [];

  constructor(o: GossipLeakyBucketOptions) {
    this.#o = o;
    this.#node = o.node;
  }

  async start(): Promise<void> {
    this.#live = new Set(this.#node.live());
    this.#unsub.push(this.#node.subscribe(TOPIC, (from, payload) => this.#receive(from, payload)));
    this.#unsub.push(this.#node.onMembersChange(() => this.#membersChanged()));
    this.#unsub.push(this.#node.onPeerSubscribed((topic) => topic === TOPIC && (this.#sendFull = true)));
    this.#timer = setInterval(() => this.#flush(), this.#o.flushIntervalMs ?? 100);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const u of this.#unsub) u();
    this.#unsub = [];
  }

  ready(): boolean {
    return this.#timer !== undefined && this.#node.ready();
  }

  /** Whether the full snapshot of every live peer has arrived. */
  converged(): boolean {
    const self = this.#node.self;
    return this.ready() && this.#node.live().every((id) => id === self || this.#synced.has(id));
  }

  add(bucket: LeakyBucketSettings, label: string, increment: number, failClosed: boolean): Promise<Decision> {
    return Promise.resolve(this.decide(bucket, label, increment, failClosed));
  }

  /** The synchronous decision behind add(). */
  decide(bucket: LeakyBucketSettings, label: string, increment: number, failClosed: boolean): Decision {
    if (increment > bucket.capacity) return { allowed: false, retryAfterMs: 0, source: 'gossip' };
    const now = Date.now();
    const b = this.#bucket(bucket, label, now);
    const running = this.ready();
    if (!running && failClosed) return { allowed: false, retryAfterMs: 1000, source: 'fail-closed' };
    const { cap, em } = this.#effective(b);
    this.#leak(b, now, em);
    if (!running) {
      // This instance alone, with its part of the capacity and of the leak rate.
      if (b.level + increment <= cap) {
        b.level += increment;
        return { allowed: true, retryAfterMs: 0, source: 'fallback' };
      }
      return { allowed: false, retryAfterMs: Math.ceil((b.level + increment - cap) * em), source: 'fallback' };
    }
    roll(b.attempts, Math.floor(now / DEMAND_MS));
    b.attempts.dCur += increment;
    b.increment = increment;
    b.dirty = true;
    if (b.round !== this.#round) this.#share(b, cap, true);
    if (b.used + increment <= b.budget) {
      b.used += increment;
      b.level += increment;
      b.added += increment;
      b.own += increment;
      return ALLOWED;
    }
    // Until the level leaves room for the increment; with room there but not in this share, the next round.
    const wait = (b.level + increment - cap) * em;
    return { allowed: false, retryAfterMs: Math.max(Math.ceil(wait), this.#o.flushIntervalMs ?? 100), source: 'gossip' };
  }

  /** The bucket's level as this instance knows it now. */
  level(bucket: LeakyBucketSettings, label: string): number {
    const b = this.#buckets.get(key(bucket, label));
    if (!b) return 0;
    this.#leak(b, Date.now(), this.#effective(b).em);
    return b.level;
  }

  /** Capacity and emission interval of this side: `live / known` of the bucket (all of it without a node). */
  #effective(b: Bucket): { cap: number; em: number } {
    const part = this.#node.live().length / this.#node.known().length;
    return { cap: b.capacity * part, em: b.emissionMs / part };
  }

  #bucket(s: LeakyBucketSettings, label: string, now: number): Bucket {
    const id = key(s, label);
    let b = this.#buckets.get(id);
    if (!b) {
      b = {
        label, capacity: s.capacity, emissionMs: s.emissionMs, level: 0, at: now, epoch: Math.floor(Math.random() * 2 ** 48), added: 0, own: 0,
        peers: new Map(), attempts: emptyCounts(Math.floor(now / DEMAND_MS)), reportedDemand: 0, increment: 1, dirty: false, busy: false,
        round: 0, budget: 0, used: 0, announced: 0, reported: false,
      };
      this.#buckets.set(id, b);
    }
    return b;
  }

  /** Leaks the level to `now`; this instance's part of it leaks in proportion. */
  #leak(b: Bucket, now: number, em: number): void {
    if (now > b.at && b.level > 0) {
      const after = Math.max(0, b.level - (now - b.at) / em);
      b.own = after <= EPSILON ? 0 : Math.min(after, b.own * (after / b.level));
      b.level = after;
    }
    b.at = now;
  }

  /**
   * This instance's share of the room left for one round, in whole increments. `room` is the capacity minus the
   * level, the reservations peers announced, and the equal part of the capacity of every live peer that never
   * reported the bucket. A peer whose last report says it was idle may take one at its next request, before it can
   * announce it, and may be waking up at this very flush. So it keeps its lazy share (its equal part of the
   * room among this instance and the peers that reported, rounded down: the lazy shares of all members add up
   * to the room at most), and at this instance's first flush after waking up it weighs as much as this
   * instance in the weighted split (it may be waking up too, its reported demand stale); a round later a peer
   * that woke up has announced its reservation, so a silent one weighs its reported demand. A lazy share is
   * that equal part; a share at a flush, for a bucket served since the last one, is this
   * instance's part of what the lazy shares leave, weighted by demand, apportioned by largest remainders (odd
   * units rotating each second), the same split every instance computes.
   */
  #share(b: Bucket, cap: number, lazy: boolean): void {
    const live = this.#node.live();
    const n = live.length;
    const whole = Math.floor(cap);
    const q = Math.floor(whole / n);
    const r = whole - q * n;
    const self = this.#node.self;
    let base = b.level;
    let idle = 0;
    const others: Weighted[] = [];
    for (let i = 0; i < n; i++) {
      const id = live[i]!;
      if (id === self) continue;
      const p = b.peers.get(id);
      if (p === undefined) {
        base += q + (i < r ? 1 : 0);
        continue;
      }
      base += p.reserved;
      if (p.busy) others.push({ id, weight: p.demand + 1 });
      else {
        idle++;
        others.push({ id, weight: (b.busy ? p.demand : Math.max(p.demand, b.reportedDemand)) + 1 });
      }
    }
    b.round = this.#round;
    b.used = 0;
    const inc = b.increment;
    // EPSILON: floating-point dust of the leak must not cost a whole unit.
    const room = Math.floor((cap - base + EPSILON) / inc);
    const equal = room > 0 ? Math.floor(room / (others.length + 1)) : 0;
    b.budget = (lazy ? equal : apportion(room - equal * idle, self, b.reportedDemand + 1, others, Math.floor(Date.now() / 1000))) * inc;
  }

  #receive(from: MemberId, payload: Uint8Array): void {
    let r;
    try {
      r = decodeBucketReport(payload);
    } catch (err) {
      this.#o.onError?.(new Error(`leaky-bucket report from ${from} dropped: ${(err as Error).message}`));
      return;
    }
    const now = Date.now();
    for (const [label, capacity, emissionMs, epoch, added, own, reserved, dem, busy] of r.entries) {
      const b = this.#bucket({ capacity, emissionMs }, label, now);
      this.#leak(b, now, this.#effective(b).em);
      const p = b.peers.get(from);
      if (p === undefined || p.epoch !== epoch) {
        // A bucket of this peer not seen before (either side is new to the bucket, or the peer restarted): its
        // units still in the bucket, as it attributes them, join the level; later ones arrive as differences.
        // A peer's units reach this view only through its own reports, so none is counted twice.
        b.level += own;
        b.peers.set(from, { epoch, added, reserved, demand: dem, busy: busy === 1 });
      } else if (added >= p.added) {
        b.level += added - p.added;
        p.added = added;
        p.reserved = reserved;
        p.demand = dem;
        p.busy = busy === 1;
      } // else: an older report overtaken by a newer one
    }
    if (r.full) this.#synced.add(from);
  }

  #membersChanged(): void {
    const live = new Set(this.#node.live());
    for (const id of live) if (!this.#live.has(id)) this.#sendFull = true;
    for (const id of this.#live) {
      if (live.has(id)) continue;
      this.#synced.delete(id);
      // Its units stay in the bucket (they leak as any others); its reservation is forgotten.
      for (const b of this.#buckets.values()) b.peers.delete(id);
    }
    this.#live = live;
    this.#round++;
  }

  #flush(): void {
    if (!this.#node.ready()) return;
    const now = Date.now();
    const full = this.#sendFull || now - this.#lastFull >= (this.#o.fullIntervalMs ?? 2000);
    this.#round++;
    const entries: BucketReportEntry[] = [];
    for (const [id, b] of this.#buckets) {
      const { cap, em } = this.#effective(b);
      this.#leak(b, now, em);
      roll(b.attempts, Math.floor(now / DEMAND_MS));
      const wasDirty = b.dirty;
      if (wasDirty) {
        // The split weighs this instance by the demand its peers know (its last report), as they do.
        this.#share(b, cap, false);
        b.reportedDemand = demand(b.attempts, Math.floor(now / DEMAND_MS), (now % DEMAND_MS) / DEMAND_MS);
      }
      const wentIdle = b.busy && !wasDirty;
      b.busy = wasDirty;
      if (!wasDirty) {
        b.budget = 0;
        b.used = 0;
      }
      const reserved = b.budget - b.used;
      if (wasDirty || wentIdle || reserved !== b.announced || !b.reported || (full && b.level > EPSILON)) {
        entries.push([b.label, b.capacity, b.emissionMs, b.epoch, b.added, b.own, reserved, b.reportedDemand, b.busy ? 1 : 0]);
        b.announced = reserved;
        b.reported = true;
        b.dirty = false;
      } else if (b.level <= EPSILON && [...b.peers.values()].every((p) => p.reserved === 0)) {
        // Empty, nothing reserved here or elsewhere, nothing to announce: forgotten until used again.
        this.#buckets.delete(id);
      }
    }
    if (full) {
      this.#sendFull = false;
      this.#lastFull = now;
    }
    for (const part of encodeBucketReport(full, entries, this.#o.maxMsgBuffer - 512)) {
      void this.#node.publish(TOPIC, part).catch((err: Error) => this.#o.onError?.(err));
    }
  }
}

function key(s: LeakyBucketSettings, label: string): string {
  return `${s.capacity}\u0000${s.emissionMs}\u0000${label}`;
}
