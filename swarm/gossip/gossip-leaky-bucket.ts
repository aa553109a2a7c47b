/**
 * SwarmLeakyBucket over gossip (clusterLeakyBucketRatelimit without Redis), with Skipper's semantics: a bucket
 * of `capacity` units leaking one unit per `emissionMs`; an increment is added whole if it fits, else refused
 * with the time until it would fit; an increment above the capacity never fits.
 *
 * Every member runs the bucket itself over the stream of additions it knows of: its own at once, a peer's when
 * that peer's report arrives (each report carries the peer's cumulative units added, so a lost report only
 * delays, and the difference to the last one is what it added since; a bucket instance seen for the first
 * time joins with the units its owner attributes to itself, each member's part leaking in proportion to the
 * level). Late additions can only make a view fuller than the true bucket, never emptier, except by what peers
 * added since their last report — and that lies inside their announced reservations: adding without
 * coordination would let every member fill the room before hearing of the others, so the room is divided
 * (leaky-bucket-view.ts) and each member adds at most its share until its next flush. Units a departed member
 * added stay in the bucket and leak as any others; only its reservation is forgotten. Capacity and leak rate
 * are shared by the members this instance knows: with `live` of `known` answering, this side has
 * `live / known` of both (a partition keeps each side to its share). docs/swarm.md (## Gossip, "Leaky
 * bucket") states the error bound.
 */
import type { Service } from '../../src/lifecycle/index.ts';
import type { Decision, LeakyBucketSettings, SwarmLeakyBucket } from '../../src/ratelimit/ports.ts';
import { decodeBucketReport, encodeBucketReport, type BucketReportEntry } from './bucket-report-codec.ts';
import type { GossipNode } from './gossip-node.ts';
import { DEMAND_MS, EPSILON, leak, newBucket, refusalWaitMs, takeShare, type Bucket } from './leaky-bucket-view.ts';
import type { MemberId } from './membership.ts';
import { demand, roll } from './sliding-counts.ts';
import { TopicParticipant } from './topic-participant.ts';

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
const ALLOWED: Decision = Object.freeze({ allowed: true, retryAfterMs: 0, source: 'gossip' });

export class GossipLeakyBucket implements SwarmLeakyBucket, Service {
  readonly name = 'swarm-gossip-leaky-bucket';
  readonly #o: GossipLeakyBucketOptions;
  readonly #node: GossipNode;
  readonly #topic: TopicParticipant;
  readonly #buckets = new Map<string, Bucket>();

  constructor(o: GossipLeakyBucketOptions) {
    this.#o = o;
    this.#node = o.node;
    this.#topic = new TopicParticipant({ ...o, topic: TOPIC }, {
      receive: (from, payload) => this.#receive(from, payload),
      report: (now, full) => this.#report(now, full),
      membersChanged: (departed) => {
        // Their units stay in the bucket (they leak as any others); their reservations are forgotten.
        for (const b of this.#buckets.values()) for (const id of departed) b.peers.delete(id);
      },
    });
  }

  async start(): Promise<void> {
    this.#topic.start();
  }

  async stop(): Promise<void> {
    this.#topic.stop();
  }

  ready(): boolean {
    return this.#topic.ready();
  }

  /** Whether the full snapshot of every live peer has arrived. */
  converged(): boolean {
    return this.#topic.converged();
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
    leak(b, now, em);
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
    if (b.round !== this.#topic.round) {
      takeShare(b, cap, this.#node.live(), this.#node.self, true);
      b.round = this.#topic.round;
    }
    if (b.used + increment <= b.budget) {
      b.used += increment;
      b.level += increment;
      b.added += increment;
      b.own += increment;
      b.unreported += increment;
      return ALLOWED;
    }
    return { allowed: false, retryAfterMs: refusalWaitMs(b, increment, cap, em, this.#node.live(), this.#node.self), source: 'gossip' };
  }

  /** The bucket's level as this instance knows it now. */
  level(bucket: LeakyBucketSettings, label: string): number {
    const b = this.#buckets.get(key(bucket, label));
    if (!b) return 0;
    leak(b, Date.now(), this.#effective(b).em);
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
    if (!b) this.#buckets.set(id, (b = newBucket(label, s.capacity, s.emissionMs, now)));
    return b;
  }

  #receive(from: MemberId, payload: Uint8Array): boolean {
    const r = decodeBucketReport(payload);
    const now = Date.now();
    for (const [label, capacity, emissionMs, epoch, added, own, reserved, dem, busy] of r.entries) {
      const b = this.#bucket({ capacity, emissionMs }, label, now);
      leak(b, now, this.#effective(b).em);
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
    return r.full;
  }

  #report(now: number, full: boolean): Uint8Array[] {
    const entries: BucketReportEntry[] = [];
    const live = this.#node.live();
    for (const [id, b] of this.#buckets) {
      const { cap, em } = this.#effective(b);
      leak(b, now, em);
      roll(b.attempts, Math.floor(now / DEMAND_MS));
      const wasDirty = b.dirty;
      if (wasDirty) {
        // The split weighs this instance by the demand its peers know (its last report), as they do.
        takeShare(b, cap, live, this.#node.self, false);
        b.round = this.#topic.round;
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
        b.unreported = 0;
        b.reported = true;
        b.dirty = false;
      } else if (b.level <= EPSILON && [...b.peers.values()].every((p) => p.reserved === 0)) {
        // Empty, nothing reserved here or elsewhere, nothing to announce: forgotten until used again.
        this.#buckets.delete(id);
      }
    }
    return encodeBucketReport(full, entries, this.#o.maxMsgBuffer - 512);
  }
}

function key(s: LeakyBucketSettings, label: string): string {
  return `${s.capacity}\u0000${s.emissionMs}\u0000${label}`;
}
