/**
 * One leaky bucket as this instance knows it (its level, leaking; its peers' last reports) and this instance's
 * share of the bucket's room. The rules and their error bound are in docs/swarm.md (## Gossip, "Leaky bucket").
 */
import { apportionByTurns, hash, type Weighted } from './apportion.ts';
import type { MemberId } from './membership.ts';
import { emptyCounts, type SlidingCounts } from './sliding-counts.ts';

/** Demand (attempted units) is weighed over a sliding second. */
export const DEMAND_MS = 1000;
/** Levels below this are empty (floating-point dust of the leak). */
export const EPSILON = 1e-9;
/**
 * The wait a refusal names when the room is there but held in shares that move at the next flushes: a second,
 * the least a `Retry-After` header can say (Skipper sends whole seconds, truncated; 0 would read "now").
 */
export const SHARE_MOVES_MS = 1000;

export interface PeerState {
  /** The peer's bucket instance (a random number per creation) and its cumulative units added in it. */
  epoch: number;
  added: number;
  reserved: number;
  demand: number;
  /** Served in its last round: it takes its next share at its flush, announced; an idle one may take one lazily. */
  busy: boolean;
}

export interface Bucket {
  readonly label: string;
  /** Orders the members' turns for odd units: fixed per bucket (so every view agrees), different across buckets. */
  readonly salt: number;
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
  /** Units added here since the last report: the peers' views of the level lack them. */
  unreported: number;
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

export function newBucket(label: string, capacity: number, emissionMs: number, now: number): Bucket {
  return {
    label, salt: hash(`${capacity}/${emissionMs}/${label}`, 0), capacity, emissionMs, level: 0, at: now, epoch: Math.floor(Math.random() * 2 ** 48), added: 0, own: 0, unreported: 0,
    peers: new Map(), attempts: emptyCounts(Math.floor(now / DEMAND_MS)), reportedDemand: 0, increment: 1, dirty: false,
    busy: false, round: 0, budget: 0, used: 0, announced: 0, reported: false,
  };
}

/** Leaks the level to `now` at one unit per `em` ms; this instance's part of it leaks in proportion. */
export function leak(b: Bucket, now: number, em: number): void {
  if (now > b.at && b.level > 0) {
    const after = Math.max(0, b.level - (now - b.at) / em);
    b.own = after <= EPSILON ? 0 : Math.min(after, b.own * (after / b.level));
    b.level = after;
  }
  b.at = now;
}

/**
 * Sets `b.budget`: this instance's share of the room for one round, in whole increments, out of `cap` (this
 * side's capacity) among the `live` members.
 *
 * Peers hold their announced reservations; a live peer that never reported the bucket holds its equal part of
 * the capacity. What nobody holds is the *free* room. An idle peer (its last report says it served nothing)
 * may take a share before it can announce it: its *lazy part* of the free room (lazyParts: equal parts among
 * this instance and the peers that reported, the odd increments by the bucket's turns, so the lazy parts of
 * all members add up to the free room). A share taken at a request after a quiet round (`lazy`), and the
 * share at the first flush after waking (the busy peers still see this instance idle and left it just that
 * part), is the lazy part. A busy instance's share at a flush divides the *pool* — the free room and the busy
 * peers' reservations, less the idle peers' lazy parts — among the busy members by reported demand (floors
 * of the weighted parts, the odd increments by turns, so that views that weigh slightly differently still
 * agree on who gets them), and takes its part, but never more than the free room less the lazy parts: each
 * member takes only what nobody holds in its view, and a busy peer gives up what it holds beyond its part at
 * its own flush.
 */
export function takeShare(b: Bucket, cap: number, live: readonly MemberId[], self: MemberId, lazy: boolean): void {
  const n = live.length;
  const whole = Math.floor(cap);
  const q = Math.floor(whole / n);
  const r = whole - q * n;
  let held = 0;
  let busyHeld = 0;
  const turns: Turn[] = [{ id: self, h: hash(self, b.salt), idle: false }];
  const busy: Weighted[] = [];
  for (let i = 0; i < n; i++) {
    const id = live[i]!;
    if (id === self) continue;
    const p = b.peers.get(id);
    if (p === undefined) {
      held += q + (i < r ? 1 : 0);
      continue;
    }
    held += p.reserved;
    turns.push({ id, h: hash(id, b.salt), idle: !p.busy });
    if (p.busy) {
      busyHeld += p.reserved;
      busy.push({ id, weight: p.demand + 1 });
    }
  }
  b.used = 0;
  const inc = b.increment;
  // EPSILON: floating-point dust of the leak must not cost a whole unit.
  const free = Math.floor((cap - b.level - held + EPSILON) / inc);
  // The lazy parts divide the room outside idle and silent peers' holdings as of everyone's last reports (own
  // units since the last report left out, the busy reservations counted in), so that every view divides the same.
  const basis = Math.floor((cap - Math.max(0, b.level - b.unreported) - held + busyHeld + EPSILON) / inc);
  const parts = lazyParts(basis, turns, b.busy || busy.length > 0);
  if (lazy || !b.busy) {
    // The units added since the last report came out of the same lazy part: the peers have not seen them.
    b.budget = Math.max(0, Math.min(parts.self * inc - b.unreported, free * inc));
    return;
  }
  const pool = Math.floor((cap - b.level - held + busyHeld + EPSILON) / inc) - parts.idle;
  const part = apportionByTurns(pool, self, b.reportedDemand + 1, busy, b.salt);
  b.budget = Math.max(0, Math.min(part, free - parts.idle)) * inc;
}

interface Turn {
  id: MemberId;
  h: number;
  idle: boolean;
}

/**
 * The lazy parts of `room` increments among `turns` (this instance first, then the peers that reported the
 * bucket): equal parts, rounded down; while no member is busy (`anyBusy` false: nobody takes a share at its
 * flush), the odd increments go one each in the bucket's order of turns, so that the lazy parts add up to the
 * room. A share is monotone in the room, so a view that sees no more room than another gives each member no
 * more than that one does. This instance's part, and the sum of the idle peers' parts.
 */
function lazyParts(room: number, turns: Turn[], anyBusy: boolean): { self: number; idle: number } {
  if (room <= 0) return { self: 0, idle: 0 };
  const k = turns.length;
  const q = Math.floor(room / k);
  const odd = anyBusy ? 0 : room - q * k;
  const first = turns[0]!;
  let idle = 0;
  for (const t of turns) if (t.idle) idle += q;
  if (odd > 0) {
    turns.sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 0; i < odd; i++) if (turns[i]!.idle) idle++;
  }
  return { self: q + (odd > 0 && turns.indexOf(first) < odd ? 1 : 0), idle };
}

/**
 * The wait a refusal names: until the level leaves room for the increment with everything the live peers hold
 * now used (as Skipper's script answers from the level, plus those holdings); with room beyond them, the room is
 * in shares that move at the next flushes, and the refusal says SHARE_MOVES_MS.
 */
export function refusalWaitMs(b: Bucket, increment: number, cap: number, em: number, live: readonly MemberId[], self: MemberId): number {
  const n = live.length;
  const q = Math.floor(Math.floor(cap) / n);
  const r = Math.floor(cap) - q * n;
  let held = 0;
  for (let i = 0; i < n; i++) {
    const id = live[i]!;
    if (id === self) continue;
    const p = b.peers.get(id);
    held += p === undefined ? q + (i < r ? 1 : 0) : p.reserved;
  }
  const wait = (b.level + held + increment - cap) * em;
  return wait > 0 ? Math.ceil(wait) : SHARE_MOVES_MS;
}
