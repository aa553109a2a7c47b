/**
 * SwarmLimiter over gossip. Every instance counts its own hits exactly (sliding window per group and key) and
 * gossips them every `flushIntervalMs`; a decision sees its own exact counts plus the latest report of every
 * LIVE peer. Reports alone would let every instance admit the whole remaining budget before hearing of the
 * others, so the remaining budget is divided instead: at each flush an instance that served a key takes its
 * part of what nobody has counted (`limit − counts`; the peers' reservations are divided anew at their own
 * flushes), weighted by every instance's demand (attempts) as its last report says, the odd units by turns so
 * that the parts add up to the remaining budget exactly, but never more than what no peer has reserved
 * (`limit − counts − peers' reservations`); it announces that share as its reservation in the same report, and
 * admits at most that many until its next flush, a number that grows as the round's counts decay (plus the
 * units expected to sit unused in shares, at most one flush interval's decay ahead). A key idle for a flush
 * gives its reservation back, announced;
 * its next request takes a share at once and announces it at once (within `announceGapMs`), not at the next flush. A
 * peer that has not reported a key yet is assumed to have used its first share (`limit / live`); every
 * instance reports each key it learns of once, so that assumption lasts a flush or two. docs/swarm.md
 * (## Gossip) states the error bound.
 *
 * The limit itself is shared by the members this instance knows: with `known` members of which `live`
 * answer, this side of a partition gets `limit × live / known` (a member that said goodbye or that membership
 * dropped returns its part at once; a silent one keeps it reserved, see the docs).
 */
import type { Service } from '../../src/lifecycle/index.ts';
import type { Decision, LimitSettings, SwarmLimiter } from '../../src/ratelimit/ports.ts';
import { apportionByTurns, hash, type Weighted } from './apportion.ts';
import type { GossipNode } from './gossip-node.ts';
import type { MemberId } from './membership.ts';
import { decodeReport, encodeReport, type ReportEntry } from './report-codec.ts';
import { demand, emptyCounts, estimate, roll, type SlidingCounts } from './sliding-counts.ts';
import { TopicParticipant } from './topic-participant.ts';

export interface GossipLimiterOptions {
  node: GossipNode;
  /** -swarm-max-msg-buffer: the largest report part, in bytes. */
  maxMsgBuffer: number;
  /** How often own counts are gossiped (default 100 ms). */
  flushIntervalMs?: number;
  /** How often a full snapshot goes out even without a newcomer, repairing lost messages (default 2 s). */
  fullIntervalMs?: number;
  /** Malformed reports from peers (dropped). */
  onError?: (err: Error) => void;
  /**
   * The shortest gap between two announcements of shares taken between flushes (default a tenth of the flush
   * interval): bounds the extra messages when many idle keys wake up one after another.
   */
  announceGapMs?: number;
}

const TOPIC = 'ratelimit/counts';

interface PeerCounts extends SlidingCounts {
  /** Stands until the peer's next report of the key replaces it (a peer gives a reservation back explicitly). */
  reserved: number;
}

interface KeyState {
  readonly group: string;
  readonly key: string;
  readonly windowMs: number;
  readonly own: SlidingCounts;
  readonly peers: Map<MemberId, PeerCounts>;
  /** Changed since the last flush. */
  dirty: boolean;
  /** Own counts as last reported: the peers weigh this instance's share with the demand in these. */
  reported: SlidingCounts | null;
  /** The limit this key was last decided with (a key learnt from a peer has none until used here). */
  maxHits: number;
  /** The reservation of the current round, how much of it is spent, and what was announced. */
  round: number;
  budget: number;
  used: number;
  announced: number;
  /**
   * The round's view, kept to grow the budget as the counts decay during the round: the summed counts of this
   * instance and the live peers at the round's start, the equal parts assumed for live peers that never
   * reported, the peers' reservations, the limit on this side, and the weights of the apportionment.
   */
  readonly view: SlidingCounts;
  assumed: number;
  reserved: number;
  limit: number;
  mine: number;
  others: Weighted[];
  /** The demand-weighted chance that a member gets no request in a flush interval (see #grow). */
  idle: number;
  /** When the budget was last grown (a refusal grows it at most every `regrowMs`). */
  grownAt: number;
  /** Salts the order of turns: each key has its own. */
  readonly salt: number;
}

export class GossipLimiter implements SwarmLimiter, Service {
  readonly name = 'swarm-gossip-ratelimit';
  readonly #o: GossipLimiterOptions;
  readonly #node: GossipNode;
  readonly #groups = new Map<string, Map<string, KeyState>>();
  readonly #topic: TopicParticipant;
  /** Shares taken between flushes, to announce soon, with the round each was taken in. */
  readonly #pending = new Map<KeyState, number>();
  #announceTimer: NodeJS.Timeout | undefined;
  #lastAnnounce = 0;
  readonly #regrowMs: number;
  readonly #flushMs: number;

  constructor(o: GossipLimiterOptions) {
    this.#o = o;
    this.#node = o.node;
    this.#flushMs = o.flushIntervalMs ?? 100;
    this.#regrowMs = this.#flushMs / 20;
    // Reports of a pod not listed yet are kept (never read until it is live): a pod that served before its
    // readiness reached this watch counts, with its hits and reservation, at the watch event.
    this.#topic = new TopicParticipant({ ...o, topic: TOPIC, holdUnlisted: true }, {
      receive: (from, payload) => this.#receive(from, payload),
      report: (now, full) => this.#report(now, full),
      // A departed peer's counts stop counting because only live peers are read; they are collected later.
      membersChanged: () => {},
    });
  }

  /** Subscribes to the counts topic; the gossip node itself is a separate service started before this one. */
  async start(): Promise<void> {
    this.#topic.start();
  }

  async stop(): Promise<void> {
    this.#topic.stop();
    if (this.#announceTimer) clearTimeout(this.#announceTimer);
    this.#announceTimer = undefined;
    this.#pending.clear();
  }

  ready(): boolean {
    return this.#topic.ready();
  }

  /** Whether the full snapshot of every live peer has arrived: decisions see the whole swarm's counts. */
  converged(): boolean {
    return this.#topic.converged();
  }

  allow(limit: LimitSettings, key: string, failClosed: boolean): Promise<Decision> {
    return Promise.resolve(this.decide(limit, key, failClosed));
  }

  /** The synchronous decision behind allow(). */
  decide(limit: LimitSettings, key: string, failClosed: boolean): Decision {
    const now = Date.now();
    const w = limit.windowMs;
    const win = Math.floor(now / w);
    const frac = (now - win * w) / w;
    if (!this.ready()) {
      if (failClosed) return { allowed: false, retryAfterMs: w - (now - win * w), source: 'fail-closed' };
      return this.#local(limit, key, now, win, frac);
    }
    const st = this.#state(limit.group, key, w);
    roll(st.own, win);
    st.own.dCur++;
    st.dirty = true;
    st.maxHits = limit.maxHits;
    if (st.round !== this.#topic.round) {
      this.#share(st, now);
      // Peers hold this instance's last report of the key as the truth (a reservation given back): a share taken
      // now is unknown to them until announced, and their flushes would divide it again. A key's first share is
      // the equal part every peer already assumes, so it needs no announcement.
      if (st.reported !== null) this.#announceSoon(st);
    }
    if (st.used + 1 > st.budget && now - st.grownAt >= this.#regrowMs) this.#grow(st, now);
    if (st.used + 1 <= st.budget) {
      st.used++;
      st.own.cur++;
      return { allowed: true, retryAfterMs: 0, source: 'gossip' };
    }
    return { allowed: false, retryAfterMs: w - (now - win * w), source: 'gossip' };
  }

  async count(limit: LimitSettings, key: string): Promise<number> {
    const now = Date.now();
    const win = Math.floor(now / limit.windowMs);
    const frac = (now - win * limit.windowMs) / limit.windowMs;
    const st = this.#groups.get(limit.group)?.get(key);
    if (!st) return 0;
    let n = estimate(st.own, win, frac);
    for (const id of this.#node.live()) {
      const c = st.peers.get(id);
      if (c) n += estimate(c, win, frac);
    }
    return n;
  }

  /** Without a running node: this instance alone, with its part of the limit. */
  #local(limit: LimitSettings, key: string, now: number, win: number, frac: number): Decision {
    const st = this.#state(limit.group, key, limit.windowMs);
    roll(st.own, win);
    st.own.dCur++;
    const allowed = estimate(st.own, win, frac) + 1 <= limit.maxHits / this.#node.known().length;
    if (allowed) st.own.cur++;
    return { allowed, retryAfterMs: allowed ? 0 : limit.windowMs - (now - win * limit.windowMs), source: 'fallback' };
  }

  #state(group: string, key: string, windowMs: number): KeyState {
    let g = this.#groups.get(group);
    if (!g) this.#groups.set(group, (g = new Map()));
    let st = g.get(key);
    if (!st) {
      st = {
        group, key, windowMs, own: emptyCounts(0), peers: new Map(), dirty: false, reported: null,
        maxHits: 0, round: 0, budget: 0, used: 0, announced: 0,
        view: emptyCounts(0), assumed: 0, reserved: 0, limit: 0, mine: 0, others: [], idle: 0, grownAt: 0, salt: hash(`${group}\n${key}`, 0),
      };
      g.set(key, st);
    }
    return st;
  }

  /**
   * This instance's share of the remaining budget for one round (apportioned among this instance and the live
   * peers that reported the key, capped by what no peer has reserved). A live peer that never
   * reported the key may have taken its first share already, so it is assumed to have used its equal part of the
   * limit (the same apportionment every instance computes: ⌊limit / live⌋, plus one for the first `limit mod live`
   * by id). The view is kept for the round: the budget grows with the decay of its counts (#grow).
   */
  #share(st: KeyState, now: number): void {
    const w = st.windowMs;
    const win = Math.floor(now / w);
    const frac = (now - win * w) / w;
    const live = this.#node.live();
    const n = live.length;
    const limit = (st.maxHits * n) / this.#node.known().length;
    const whole0 = Math.floor(limit);
    const q = Math.floor(whole0 / n);
    const r = whole0 - q * n;
    const view = st.view;
    view.win = win;
    view.cur = view.prev = view.dCur = view.dPrev = 0;
    addCounts(view, st.own);
    let assumed = 0;
    let reserved = 0;
    const self = this.#node.self;
    const others: Weighted[] = [];
    for (let i = 0; i < n; i++) {
      const id = live[i]!;
      if (id === self) continue;
      const c = st.peers.get(id);
      if (c) {
        addCounts(view, c);
        reserved += c.reserved;
        others.push({ id, weight: demand(c, win, frac) + 1 });
      } else assumed += q + (i < r ? 1 : 0);
    }
    st.round = this.#topic.round;
    st.used = 0;
    st.budget = 0;
    st.assumed = assumed;
    st.reserved = reserved;
    st.limit = limit;
    // Weighed as the peers weigh it: by the demand in its last report, not by what it attempted since.
    st.mine = st.reported === null ? 0 : demand(st.reported, win, frac);
    st.others = others;
    // Attempts in the sliding window, per flush interval: a member that gets a Poisson(λ) number of requests in a
    // round leaves a unit of its share unused with chance e^−λ.
    const perRound = this.#flushMs / w;
    let weights = st.mine + 1;
    let idle = (st.mine + 1) * Math.exp(-st.mine * perRound);
    for (const o of others) {
      weights += o.weight;
      idle += o.weight * Math.exp(-(o.weight - 1) * perRound);
    }
    st.idle = idle / weights;
    this.#grow(st, now);
  }

  /**
   * The budget of the round as of `now`: this instance's part of the whole remainder (the peers' reservations are
   * re-divided at their flushes), but never more than what nobody holds (a part of the unreserved rest alone
   * would leave the rest unused for rounds). The remainder is counted against the round's view as it has
   * decayed by `now`, so what the decay frees during a round is admitted in that round; every member grows its
   * part of the same remainder, so the parts still add up to it. The odd units go by turns in an order that
   * every member draws alike (a hash of member and key), never by the weights: members weigh each other
   * by reports sent at different moments, and by largest remainders each view ranked itself last among equally
   * busy members, so the odd units of a small remainder went to nobody.
   */
  #grow(st: KeyState, now: number): void {
    st.grownAt = now;
    const w = st.windowMs;
    const win = Math.floor(now / w);
    const counted = estimate(st.view, win, (now - win * w) / w);
    let rest = st.limit - counted - st.assumed;
    // Shares sit unused on members that get no request in a round, and the window stays below the limit by
    // them: the units expected to sit so are handed out ahead of the decay, by at most what decays in one flush
    // interval (docs/swarm.md, "Error bound"). Where every member gets requests every round, nothing is.
    const t = now + this.#flushMs;
    const next = Math.floor(t / w);
    const ahead = Math.min(counted - estimate(st.view, next, (t - next * w) / w), rest * st.idle);
    if (ahead > 0) rest += ahead;
    // Weight 1 is no demand in the last report: a member that attempted nothing would leave an odd unit unused.
    const part = apportionByTurns(rest, this.#node.self, st.mine + 1, st.others, st.salt, 1);
    st.budget = Math.max(st.budget, Math.min(part, Math.floor(rest - st.reserved)));
  }

  #announceSoon(st: KeyState): void {
    this.#pending.set(st, st.round);
    if (this.#announceTimer !== undefined) return;
    const gap = this.#o.announceGapMs ?? (this.#o.flushIntervalMs ?? 100) / 10;
    const wait = Math.max(0, this.#lastAnnounce + gap - Date.now());
    this.#announceTimer = setTimeout(() => this.#announce(), wait);
    this.#announceTimer.unref();
  }

  /** Announces the shares taken since the last flush; a key the flush has announced since is skipped. */
  #announce(): void {
    this.#announceTimer = undefined;
    this.#lastAnnounce = Date.now();
    const entries: ReportEntry[] = [];
    for (const [st, round] of this.#pending) {
      if (st.round !== round) continue;
      const reserved = st.budget - st.used;
      st.announced = reserved;
      // `reported` stays the flush's: this instance keeps weighing itself by the demand of its last flush report,
      // never by a later one that a peer may not have received when the flushes divide the remainder.
      entries.push({ group: st.group, key: st.key, windowMs: st.windowMs, counts: { ...st.own }, reserved });
    }
    this.#pending.clear();
    if (entries.length > 0) this.#topic.publish(encodeReport({ full: false, entries }, this.#o.maxMsgBuffer - 512));
  }

  #receive(from: MemberId, payload: Uint8Array): boolean {
    const r = decodeReport(payload);
    for (const e of r.entries) this.#apply(from, e);
    return r.full;
  }

  #apply(from: MemberId, e: ReportEntry): void {
    const st = this.#state(e.group, e.key, e.windowMs);
    const old = st.peers.get(from);
    if (old && old.win > e.counts.win) return;
    st.peers.set(from, { ...e.counts, reserved: e.reserved });
  }

  #report(now: number, full: boolean): Uint8Array[] {
    const entries: ReportEntry[] = [];
    for (const [group, g] of this.#groups) {
      for (const [key, st] of g) {
        const win = Math.floor(now / st.windowMs);
        roll(st.own, win);
        const wasDirty = st.dirty;
        if (wasDirty) this.#share(st, now);
        else {
          // Idle since the last flush: the reservation goes back; the next request takes a fresh share.
          st.budget = 0;
          st.used = 0;
        }
        const reserved = st.budget - st.used;
        if (wasDirty || reserved !== st.announced || st.reported === null || (full && st.own.cur + st.own.prev > 0)) {
          st.reported = { ...st.own };
          entries.push({ group, key, windowMs: st.windowMs, counts: st.reported, reserved });
          st.announced = reserved;
          st.dirty = false;
        } else if (full) this.#collect(g, key, st, win);
      }
      if (g.size === 0) this.#groups.delete(group);
    }
    return encodeReport({ full, entries }, this.#o.maxMsgBuffer - 512);
  }

  /** Forgets a key once nobody has counted it for two windows (estimates are 0 from then on). */
  #collect(g: Map<string, KeyState>, key: string, st: KeyState, win: number): void {
    const o = st.own; // rolled to `win` by the caller
    if (o.cur + o.prev + o.dCur + o.dPrev > 0) return;
    for (const c of st.peers.values()) if (c.win >= win - 1) return;
    g.delete(key);
  }
}

/** Adds `c`'s counts, as of window `into.win`, to `into` (the sum of several members' counts estimates their sum). */
function addCounts(into: SlidingCounts, c: SlidingCounts): void {
  if (c.win === into.win) {
    into.cur += c.cur;
    into.prev += c.prev;
    into.dCur += c.dCur;
    into.dPrev += c.dPrev;
  } else if (c.win === into.win - 1) {
    into.prev += c.cur;
    into.dPrev += c.dCur;
  }
}
