/**
 * SwarmBus over Redis pub/sub: a topic is the channel `skj:bus:<topic>` on the shard the consistent hash
 * picks for it; every instance subscribes on every shard, so a rebalance (the topic's shard changing) loses
 * no subscription. Messages carry the sender's id so that own messages are not delivered back. Delivery is
 * best-effort, as the port says: a message published while its shard is away is dropped.
 */
import { Redis } from 'ioredis';
import type { SwarmBus, SwarmMessage } from '../../src/circuit/ports.ts';
import type { Service } from '../../src/lifecycle/index.ts';
import type { Logger } from '../../src/log/app-log.ts';
import type { RedisShardRing } from './shard-ring.ts';

const PREFIX = 'skj:bus:';

export interface RedisBusDeps {
  ring: RedisShardRing;
  /** This instance's member id. */
  self: string;
  /** Live member ids from the membership source, this instance included. */
  members: () => readonly string[];
  log: Logger;
  /** How often subscriber connections follow the ring's shard list. */
  resyncMs?: number;
}

/** Frame: u16 length of the sender id, the id (UTF-8), the payload. */
function encode(from: Buffer, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(2 + from.length + payload.length);
  out.writeUInt16BE(from.length, 0);
  from.copy(out, 2);
  out.set(payload, 2 + from.length);
  return out;
}

function decode(b: Buffer): SwarmMessage | undefined {
  if (b.length < 2) return undefined;
  const n = b.readUInt16BE(0);
  if (b.length < 2 + n) return undefined;
  return { from: b.toString('utf8', 2, 2 + n), payload: new Uint8Array(b.buffer, b.byteOffset + 2 + n, b.length - 2 - n) };
}

export class RedisSwarmBus implements SwarmBus, Service {
  readonly name = 'swarm-redis-bus';
  readonly self: string;
  private readonly selfBytes: Buffer;
  private readonly deps: RedisBusDeps;
  private readonly handlers = new Map<string, Set<(m: SwarmMessage) => void>>();
  private readonly subscribers = new Map<string, Redis>();
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: RedisBusDeps) {
    this.deps = deps;
    this.self = deps.self;
    this.selfBytes = Buffer.from(deps.self, 'utf8');
    if (this.selfBytes.length > 0xffff) throw new Error('swarm member id too long');
  }

  members(): readonly string[] {
    return this.deps.members();
  }

  async publish(topic: string, payload: Uint8Array): Promise<void> {
    const channel = PREFIX + topic;
    const shard = this.deps.ring.shardFor(channel);
    if (shard === undefined || !shard.available()) return;
    await shard.client.publish(channel, encode(this.selfBytes, payload)).catch(() => {});
  }

  subscribe(topic: string, onMessage: (m: SwarmMessage) => void): () => void {
    const channel = PREFIX + topic;
    let set = this.handlers.get(channel);
    if (set === undefined) {
      this.handlers.set(channel, (set = new Set()));
      for (const sub of this.subscribers.values()) void sub.subscribe(channel).catch(() => {});
    }
    set.add(onMessage);
    return () => {
      set.delete(onMessage);
      if (set.size > 0 || this.handlers.get(channel) !== set) return;
      this.handlers.delete(channel);
      for (const sub of this.subscribers.values()) void sub.unsubscribe(channel).catch(() => {});
    };
  }

  private deliver(channel: Buffer, message: Buffer): void {
    const set = this.handlers.get(channel.toString('utf8'));
    if (set === undefined) return;
    const m = decode(message);
    if (m === undefined || m.from === this.self) return;
    for (const h of set) {
      try {
        h(m);
      } catch (err) {
        this.deps.log.error('swarm bus subscriber failed', { channel: channel.toString(), error: (err as Error).message });
      }
    }
  }

  /** Opens a subscriber connection per shard of the ring and closes those of removed shards. */
  private async sync(): Promise<void> {
    const shards = this.deps.ring.shards();
    const names = new Set(shards.map((s) => s.name));
    for (const s of shards) {
      if (this.subscribers.has(s.name)) continue;
      // A duplicate keeps host, credentials and TLS; ioredis resubscribes its channels after a reconnect.
      const sub = s.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, lazyConnect: true, commandTimeout: undefined, enableAutoPipelining: false });
      sub.on('error', () => {});
      sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.deliver(channel, message));
      this.subscribers.set(s.name, sub);
      await sub.connect().catch(() => {});
      const channels = [...this.handlers.keys()];
      if (channels.length > 0) await sub.subscribe(...channels).catch(() => {});
    }
    for (const [name, sub] of this.subscribers) {
      if (names.has(name)) continue;
      this.subscribers.delete(name);
      sub.disconnect();
    }
  }

  async start(): Promise<void> {
    await this.sync();
    const tick = () => {
      this.timer = setTimeout(() => void this.sync().finally(() => this.timer !== undefined && tick()), this.deps.resyncMs ?? 1000);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const sub of this.subscribers.values()) sub.disconnect();
    this.subscribers.clear();
  }
}
