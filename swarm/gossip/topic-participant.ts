/**
 * The lifecycle every state-sharing gossip topic repeats: subscribe to the topic, publish a report every
 * `flushIntervalMs` (a full snapshot when a peer joined or subscribed only now, and every `fullIntervalMs` to
 * repair lost messages), drop malformed reports, and know which live peers' full snapshots have arrived. The
 * gossip limiter (counts) and the gossip leaky bucket (levels) are its two users; what a report holds is theirs.
 */
import type { GossipNode } from './gossip-node.ts';
import type { MemberId } from './membership.ts';

export interface TopicParticipantOptions {
  node: GossipNode;
  topic: string;
  /** How often a report goes out (default 100 ms). */
  flushIntervalMs?: number;
  /** How often a full snapshot goes out even without a newcomer (default 2 s). */
  fullIntervalMs?: number;
  /** Malformed reports from peers (dropped) and failed publishes. */
  onError?: (err: Error) => void;
  /**
   * Also receive the reports of senders that authoritative membership does not list yet, for a state that reads
   * only live members' reports: a pod's reports are then at hand the moment it is listed (docs/swarm.md,
   * "Joining in Kubernetes").
   */
  holdUnlisted?: boolean;
}

/** What the topic's owner does with reports; called by the participant only while it runs. */
export interface TopicState {
  /** Applies one report part from `from`; returns whether it was the last part of a full snapshot. Throws on a malformed one. */
  receive(from: MemberId, payload: Uint8Array): boolean;
  /** The report parts of one flush: everything this instance holds when `full`, else what changed. */
  report(now: number, full: boolean): Uint8Array[];
  /** After a membership change; `departed` are the members no longer live. */
  membersChanged(departed: readonly MemberId[]): void;
}

export class TopicParticipant {
  readonly #o: TopicParticipantOptions;
  readonly #state: TopicState;
  /** Peers whose full snapshot arrived at least once. */
  readonly #synced = new Set<MemberId>();
  #live: ReadonlySet<MemberId> = new Set();
  #sendFull = true;
  #lastFull = 0;
  #timer: NodeJS.Timeout | undefined;
  #unsub: (() => void)[] = [];
  /**
   * Counts flushes and membership changes: a share taken in an earlier round is stale (the owner compares it to
   * the round it took the share in).
   */
  round = 1;

  constructor(o: TopicParticipantOptions, state: TopicState) {
    this.#o = o;
    this.#state = state;
  }

  /** Subscribes; the gossip node itself is a separate service started before this one. */
  start(): void {
    const { node, topic } = this.#o;
    this.#live = new Set(node.live());
    this.#unsub.push(node.subscribe(topic, (from, payload) => this.#receive(from, payload), { unlisted: this.#o.holdUnlisted === true }));
    this.#unsub.push(node.onMembersChange(() => this.#membersChanged()));
    // A peer that subscribes only now has missed the earlier reports: it gets a full snapshot next flush.
    this.#unsub.push(node.onPeerSubscribed((t) => t === topic && (this.#sendFull = true)));
    this.#timer = setInterval(() => this.#flush(), this.#o.flushIntervalMs ?? 100);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const u of this.#unsub) u();
    this.#unsub = [];
  }

  ready(): boolean {
    return this.#timer !== undefined && this.#o.node.ready();
  }

  /**
   * Whether the full snapshot of every live peer has arrived: decisions see the whole swarm's state. A snapshot
   * held from before the peer was listed counts.
   */
  converged(): boolean {
    const self = this.#o.node.self;
    return this.ready() && this.#o.node.live().every((id) => id === self || this.#synced.has(id));
  }

  #receive(from: MemberId, payload: Uint8Array): void {
    try {
      if (this.#state.receive(from, payload)) this.#synced.add(from);
    } catch (err) {
      this.#o.onError?.(new Error(`${this.#o.topic} report from ${from} dropped: ${(err as Error).message}`));
    }
  }

  #membersChanged(): void {
    const live = new Set(this.#o.node.live());
    for (const id of live) if (!this.#live.has(id)) this.#sendFull = true;
    const departed = [...this.#live].filter((id) => !live.has(id));
    for (const id of departed) this.#synced.delete(id);
    this.#live = live;
    // Another member count changes everyone's part: shares are taken anew.
    this.round++;
    this.#state.membersChanged(departed);
  }

  /**
   * Publishes report parts outside the flush rhythm (a share taken between flushes, announced at once rather
   * than at the next flush). Dropped while the node is not ready, like a flush.
   */
  publish(parts: readonly Uint8Array[]): void {
    const { node, topic } = this.#o;
    if (this.#timer === undefined || !node.ready()) return;
    for (const part of parts) void node.publish(topic, part).catch((err: Error) => this.#o.onError?.(err));
  }

  #flush(): void {
    const { node, topic } = this.#o;
    if (!node.ready()) return;
    const now = Date.now();
    const full = this.#sendFull || now - this.#lastFull >= (this.#o.fullIntervalMs ?? 2000);
    // A new round: what was served since the last flush takes its share now and announces it in this report.
    this.round++;
    const parts = this.#state.report(now, full);
    if (full) {
      this.#sendFull = false;
      this.#lastFull = now;
    }
    for (const part of parts) void node.publish(topic, part).catch((err: Error) => this.#o.onError?.(err));
  }
}
