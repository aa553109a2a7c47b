/**
 * One instance's gossip node: libp2p over TCP (noise, yamux, identify) with gossipsub, listening on
 * -swarm-port and dialing every listed member by address. Peers are dialed by multiaddr without a peer id:
 * each node keeps a random key and the noise handshake tells the dialer who answered, so static membership
 * needs nothing but `host:port` and a restarted peer with a new key is simply dialed again.
 *
 * Liveness is the node's own business, not gossipsub's: every message carries the sender's member id, every
 * node says hello each `helloIntervalMs`, and a member is live while it was heard from within `liveTtlMs`
 * (and is listed or announced itself). A stopping node says goodbye, so peers forget it at once.
 *
 * Where membership is authoritative (Kubernetes), a sender it does not list yet is held, not counted: its
 * last message time is kept, and topics subscribed with `{ unlisted: true }` get its messages, so a pod that
 * spoke before its readiness reached this node's watch is live, with its reports, at the watch event. A pod
 * listed after this node started and never heard is no member for `joinGraceMs` (docs/swarm.md, "Joining in
 * Kubernetes").
 */
import { isIP } from 'node:net';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { gossipsub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p } from 'libp2p';
import type { Service } from '../../src/lifecycle/index.ts';
import { unwrap, wrap } from './envelope.ts';
import { parseMemberAddress, type MemberId, type Membership } from './membership.ts';
import type { GossipMetrics } from './metrics.ts';

/** Options named after Skipper's flags where one exists. */
export interface GossipNodeOptions {
  membership: Membership;
  /** -swarm-port; default: the port of the membership's self address. */
  port?: number;
  /** Address to listen on; default: the host of the membership's self address. */
  listenHost?: string;
  /** -swarm-max-msg-buffer: the largest gossip message sent or accepted, in bytes. */
  maxMsgBuffer: number;
  /** -swarm-leave-timeout: how long stop() waits for the goodbye to go out. */
  leaveTimeoutMs: number;
  /** How often this node says hello (default 1 s). */
  helloIntervalMs?: number;
  /** A member not heard from for this long is not live (default 3 s). */
  liveTtlMs?: number;
  /**
   * Authoritative membership: how long a member listed after this node started, and not heard from since, is
   * left out of known() (default: the live TTL). docs/swarm.md states the bound.
   */
  joinGraceMs?: number;
  metrics?: GossipMetrics;
  /** Errors the node recovers from by itself (failed dials, undeliverable messages). */
  onError?: (err: Error) => void;
}

/** A received message: the sender's member id and the payload. */
export type GossipHandler = (from: MemberId, payload: Uint8Array) => void;

export interface SubscribeOptions {
  /**
   * Also deliver the messages of senders that authoritative membership does not list (yet): for state kept per
   * member and read only for live() members, so that a member's reports are at hand when it is listed.
   */
  unlisted?: boolean;
}

const TOPIC_PREFIX = 'skipjack/1/';
const MEMBERS_TOPIC = 'members';
const HELLO = 1;
const GOODBYE = 2;
const DIAL_MIN_MS = 100;
const DIAL_MAX_MS = 5_000;

interface Peer {
  lastSeen: number;
  /** The libp2p peer id (string) that sent its last message. */
  peerId: string | undefined;
}

interface DialState {
  inFlight: boolean;
  nextAt: number;
  delayMs: number;
  peerId: string | undefined;
}

type PubSub = {
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  publish(topic: string, data: Uint8Array): Promise<unknown>;
  addEventListener(type: 'message', fn: (e: CustomEvent<{ topic: string; data: Uint8Array }>) => void): void;
  addEventListener(type: 'subscription-change', fn: (e: CustomEvent<{ subscriptions: { topic: string; subscribe: boolean }[] }>) => void): void;
};

export class GossipNode implements Service {
  readonly name = 'swarm-gossip';
  readonly self: MemberId;
  readonly #o: GossipNodeOptions;
  readonly #helloMs: number;
  readonly #ttlMs: number;
  readonly #graceMs: number;
  readonly #handlers = new Map<string, Set<GossipHandler>>();
  /** The handlers that also take the messages of unlisted senders. */
  readonly #unlistedHandlers = new WeakSet<GossipHandler>();
  /** Authoritative membership: senders it does not list, by the time of their last message (expire after the TTL). */
  readonly #unlisted = new Map<MemberId, number>();
  /** Authoritative membership: members listed after start() and not heard since, by the time they were listed. */
  readonly #joining = new Map<MemberId, number>();
  #graceTimer: NodeJS.Timeout | undefined;
  readonly #peers = new Map<MemberId, Peer>();
  /** Members that said goodbye: not counted until they speak again (or membership lists them anew). */
  readonly #gone = new Set<MemberId>();
  /** Members heard from at least once since start(). */
  readonly #heard = new Set<MemberId>();
  #startedAt = 0;
  readonly #dials = new Map<MemberId, DialState>();
  readonly #liveListeners = new Set<() => void>();
  readonly #subListeners = new Set<(topic: string) => void>();
  #listed: ReadonlySet<MemberId> = new Set();
  #live: readonly MemberId[];
  #known: readonly MemberId[];
  #node: Libp2p | undefined;
  #pubsub: PubSub | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unwatch: (() => void) | undefined;
  #running = false;

  constructor(o: GossipNodeOptions) {
    this.#o = o;
    this.self = o.membership.self;
    this.#helloMs = o.helloIntervalMs ?? 1000;
    this.#ttlMs = o.liveTtlMs ?? 3000;
    this.#graceMs = o.joinGraceMs ?? this.#ttlMs;
    this.#live = [this.self];
    this.#listed = new Set(o.membership.members());
    this.#known = Object.freeze([...new Set([this.self, ...this.#listed])].sort());
  }

  async start(): Promise<void> {
    const self = parseMemberAddress(this.self, 'swarm self address');
    const port = this.#o.port ?? self.port;
    const host = this.#o.listenHost ?? self.host;
    const ip = isIP(host) === 6 ? 'ip6' : 'ip4';
    const node = await createLibp2p({
      addresses: { listen: [`/${ip}/${host}/tcp/${port}`] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        pubsub: gossipsub({
          emitSelf: false,
          globalSignaturePolicy: 'StrictNoSign',
          allowPublishToZeroTopicPeers: true,
          floodPublish: true,
          maxInboundDataLength: this.#o.maxMsgBuffer,
          maxOutboundBufferSize: Math.max(this.#o.maxMsgBuffer * 4, 1 << 20),
        }),
      },
    });
    this.#node = node;
    this.#pubsub = node.services.pubsub as unknown as PubSub;
    this.#pubsub.addEventListener('message', (e) => this.#receive(e.detail.topic, e.detail.data));
    // A peer that just subscribed hears a hello now, not at the next interval: joins take one round trip.
    this.#pubsub.addEventListener('subscription-change', (e) => {
      if (!this.#running) return;
      this.#hello(HELLO);
      for (const s of e.detail.subscriptions) {
        if (s.subscribe && s.topic.startsWith(TOPIC_PREFIX)) for (const fn of this.#subListeners) fn(s.topic.slice(TOPIC_PREFIX.length));
      }
    });
    this.#pubsub.subscribe(TOPIC_PREFIX + MEMBERS_TOPIC);
    for (const topic of this.#handlers.keys()) this.#pubsub.subscribe(TOPIC_PREFIX + topic);
    this.#running = true;
    this.#startedAt = Date.now();
    this.#listed = new Set(this.#o.membership.members());
    this.#unwatch = this.#o.membership.onChange((m) => this.#membershipChanged(m));
    this.#timer = setInterval(() => this.#tick(), Math.min(this.#helloMs, 250));
    this.#recompute();
    this.#dialAll();
    this.#hello(HELLO);
  }

  /** Says goodbye (waiting at most -swarm-leave-timeout), then closes every connection. */
  async stop(): Promise<void> {
    const node = this.#node;
    this.#unwatch?.();
    this.#unwatch = undefined;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    if (!node) return;
    if (this.#running) {
      this.#running = false;
      let t: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#publish(MEMBERS_TOPIC, Uint8Array.of(GOODBYE)),
        new Promise<void>((resolve) => (t = setTimeout(resolve, this.#o.leaveTimeoutMs))),
      ]);
      clearTimeout(t);
    }
    this.#node = undefined;
    this.#pubsub = undefined;
    await node.stop();
  }

  ready(): boolean {
    return this.#running;
  }

  /** Live members (heard from within the TTL), this instance included, sorted. */
  live(): readonly MemberId[] {
    return this.#live;
  }

  /**
   * Members that share the swarm's limits: listed by membership, or unlisted but live (a peer that joined
   * with a list this instance has not got), minus those that said goodbye. This instance included, sorted.
   */
  known(): readonly MemberId[] {
    return this.#known;
  }

  /** Called whenever live() or known() changes; returns the function that unsubscribes. */
  onMembersChange(fn: () => void): () => void {
    this.#liveListeners.add(fn);
    return () => this.#liveListeners.delete(fn);
  }

  /** Calls `fn` with the topic whenever a peer subscribes to one (a newcomer to bring up to date). */
  onPeerSubscribed(fn: (topic: string) => void): () => void {
    this.#subListeners.add(fn);
    return () => this.#subListeners.delete(fn);
  }

  /** Subscribes to a topic (before or after start); returns the function that unsubscribes. */
  subscribe(topic: string, handler: GossipHandler, o: SubscribeOptions = {}): () => void {
    if (o.unlisted === true) this.#unlistedHandlers.add(handler);
    let set = this.#handlers.get(topic);
    if (!set) {
      this.#handlers.set(topic, (set = new Set()));
      this.#pubsub?.subscribe(TOPIC_PREFIX + topic);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.#handlers.get(topic) === set) {
        this.#handlers.delete(topic);
        this.#pubsub?.unsubscribe(TOPIC_PREFIX + topic);
      }
    };
  }

  /** Publishes to every subscribed peer; resolves when handed to the connections. Not delivered to self. */
  async publish(topic: string, payload: Uint8Array): Promise<void> {
    if (payload.length + 256 > this.#o.maxMsgBuffer) {
      throw new Error(`gossip message of ${payload.length} bytes on ${topic} exceeds -swarm-max-msg-buffer (${this.#o.maxMsgBuffer})`);
    }
    await this.#publish(topic, payload);
  }

  async #publish(topic: string, payload: Uint8Array): Promise<void> {
    const ps = this.#pubsub;
    if (!ps) return;
    const frame = wrap(this.self, this.#seq++, payload);
    this.#o.metrics?.message('out', topic, frame.length);
    try {
      await ps.publish(TOPIC_PREFIX + topic, frame);
    } catch (err) {
      this.#o.onError?.(err as Error);
    }
  }

  #receive(fullTopic: string, data: Uint8Array): void {
    if (!fullTopic.startsWith(TOPIC_PREFIX)) return;
    const topic = fullTopic.slice(TOPIC_PREFIX.length);
    const m = unwrap(data);
    if (!m || m.from === this.self) return;
    if (!this.#o.membership.acceptsUnlisted && !this.#listed.has(m.from)) {
      this.#held(topic, m.from, m.payload);
      return;
    }
    this.#o.metrics?.message('in', topic, data.length);
    if (topic === MEMBERS_TOPIC && m.payload[0] === GOODBYE) {
      this.#peers.delete(m.from);
      this.#gone.add(m.from);
      this.#recompute();
      return;
    }
    const now = Date.now();
    this.#heard.add(m.from);
    const p = this.#peers.get(m.from);
    if (p) p.lastSeen = now;
    else this.#peers.set(m.from, { lastSeen: now, peerId: undefined });
    const wasJoining = this.#joining.delete(m.from);
    if (!p || this.#gone.delete(m.from) || wasJoining) this.#recompute();
    if (topic === MEMBERS_TOPIC) return;
    const set = this.#handlers.get(topic);
    if (set) for (const h of set) h(m.from, m.payload);
  }

  /**
   * A message from a sender authoritative membership does not list: not counted (the sender is no member), but
   * its time is kept and the topics that keep per-member state get it, so that when the sender is listed it is
   * live at once, with its reports.
   */
  #held(topic: string, from: MemberId, payload: Uint8Array): void {
    this.#ignored++;
    if (topic === MEMBERS_TOPIC) {
      if (payload[0] === GOODBYE) this.#unlisted.delete(from);
      else this.#unlisted.set(from, Date.now());
      return;
    }
    this.#unlisted.set(from, Date.now());
    const set = this.#handlers.get(topic);
    if (set) for (const h of set) if (this.#unlistedHandlers.has(h)) h(from, payload);
  }

  #membershipChanged(members: readonly MemberId[]): void {
    const next = new Set(members);
    const now = Date.now();
    for (const id of next) {
      if (this.#listed.has(id) || id === this.self) continue;
      const seen = this.#unlisted.get(id);
      this.#unlisted.delete(id);
      if (seen !== undefined && now - seen <= this.#ttlMs) {
        // It spoke before its readiness reached this watch: live now, and its held reports count from now.
        this.#heard.add(id);
        this.#gone.delete(id);
        this.#peers.set(id, { lastSeen: seen, peerId: undefined });
      } else if (!this.#peers.has(id)) this.#joining.set(id, now);
    }
    for (const id of this.#joining.keys()) if (!next.has(id)) this.#joining.delete(id);
    for (const id of this.#listed) {
      if (next.has(id)) continue;
      // A member membership dropped (pod unready or deleted) stops counting now, not at its TTL.
      this.#peers.delete(id);
      const d = this.#dials.get(id);
      this.#dials.delete(id);
      if (d?.peerId !== undefined && this.#node) {
        const conns = this.#node.getConnections().filter((c) => c.remotePeer.toString() === d.peerId);
        for (const c of conns) void c.close().catch(() => {});
      }
    }
    for (const id of next) if (!this.#listed.has(id)) this.#gone.delete(id);
    this.#listed = next;
    this.#recompute();
    this.#dialAll();
    if (this.#joining.size > 0) this.#recomputeAfterGrace();
  }

  /** Recomputes when the next join grace ends (the tick would do it up to 250 ms late). */
  #recomputeAfterGrace(): void {
    if (this.#graceTimer !== undefined || !this.#running) return;
    const now = Date.now();
    // Only graces still running: a pod whose grace ended unheard stays in #joining (known, not live).
    let next = Infinity;
    for (const t of this.#joining.values()) if (now - t < this.#graceMs) next = Math.min(next, t + this.#graceMs);
    if (next === Infinity) return;
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      this.#recompute();
      this.#recomputeAfterGrace();
    }, next - now + 1);
    this.#graceTimer.unref();
  }

  /** Diagnostics: open connections, dials started, messages held (never counted) from senders membership does not list. */
  stats(): { connections: number; dials: number; ignored: number } {
    return { connections: this.#node?.getConnections().length ?? 0, dials: this.#dialCount, ignored: this.#ignored };
  }

  #ignored = 0;

  #dialCount = 0;
  /** Starts at a random point so a restarted node's messages do not repeat the ids of its last life. */
  #seq = Math.floor(Math.random() * 2 ** 32);

  #tick(): void {
    if (!this.#running) return;
    const now = Date.now();
    for (const [id, p] of this.#peers) if (now - p.lastSeen > this.#ttlMs) this.#peers.delete(id);
    for (const [id, t] of this.#unlisted) if (now - t > this.#ttlMs) this.#unlisted.delete(id);
    // Every tick: drops the expired and ends the start-up grace of listed members never heard from.
    this.#recompute();
    this.#dialAll();
    if (now - this.#lastHello >= this.#helloMs) this.#hello(HELLO);
  }

  #lastHello = 0;

  #hello(kind: number): void {
    this.#lastHello = Date.now();
    void this.#publish(MEMBERS_TOPIC, Uint8Array.of(kind));
  }

  /** Dials every listed member without a connection, backing off per member while it does not answer. */
  #dialAll(): void {
    const node = this.#node;
    if (!node || !this.#running) return;
    const now = Date.now();
    for (const id of this.#listed) {
      if (id === this.self) continue;
      let d = this.#dials.get(id);
      if (!d) this.#dials.set(id, (d = { inFlight: false, nextAt: 0, delayMs: DIAL_MIN_MS, peerId: undefined }));
      if (d.inFlight || now < d.nextAt) continue;
      if (d.peerId !== undefined && node.getConnections().some((c) => c.remotePeer.toString() === d.peerId && c.status === 'open')) continue;
      d.inFlight = true;
      this.#dialCount++;
      const state = d;
      const { host, port } = parseMemberAddress(id, 'member');
      const proto = isIP(host) === 6 ? 'ip6' : isIP(host) === 4 ? 'ip4' : 'dns';
      node
        .dial(multiaddr(`/${proto}/${host}/tcp/${port}`), { signal: AbortSignal.timeout(2_000) })
        .then(
          (conn) => {
            state.peerId = conn.remotePeer.toString();
            state.delayMs = DIAL_MIN_MS;
            state.nextAt = 0;
          },
          () => {
            state.nextAt = Date.now() + state.delayMs;
            state.delayMs = Math.min(DIAL_MAX_MS, state.delayMs * 2);
          },
        )
        .finally(() => (state.inFlight = false));
    }
  }

  /**
   * known: live peers, plus listed members that did not say goodbye. Where membership is not authoritative
   * (a static list), a listed member not heard from once since this node started, for longer than the live TTL,
   * is not known either: a listed address that never answered (not deployed, or down since before this
   * instance came) does not keep a share reserved. One heard from keeps its share while silent, so a partition
   * does not hand either side the whole limit; a starting node counts every listed member during the TTL, so
   * it does not take the whole limit before it has heard the others. Where membership is authoritative, a member
   * listed after this node started and not heard from since is not known during the join grace, while its
   * connections come up (docs/swarm.md, "Joining in Kubernetes": what it may admit meanwhile is the bound);
   * after the grace it is known heard or not, so a pod that cannot be heard keeps its share.
   */
  #recompute(): void {
    const live = [this.self];
    const known = new Set<MemberId>([this.self]);
    for (const id of this.#peers.keys()) {
      live.push(id);
      known.add(id);
    }
    const now = Date.now();
    const graceOver = now - this.#startedAt > this.#ttlMs;
    const authoritative = !this.#o.membership.acceptsUnlisted;
    for (const id of this.#listed) {
      if (this.#gone.has(id)) continue;
      if (!authoritative && graceOver && !this.#heard.has(id)) continue;
      const joined = this.#joining.get(id);
      if (joined !== undefined && now - joined < this.#graceMs) continue;
      known.add(id);
    }
    live.sort();
    const k = [...known].sort();
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    if (same(live, this.#live) && same(k, this.#known)) return;
    this.#live = Object.freeze(live);
    this.#known = Object.freeze(k);
    this.#o.metrics?.members(k.length, live.length);
    for (const fn of this.#liveListeners) fn();
  }
}
