/**
 * One Redis shard: an ioredis connection behind a breaker. While the shard is not available, `run` rejects at
 * once (no request waits for a timeout). It goes away when the breaker opens: on the connection's close event
 * (a killed Redis is noticed in the same tick), on a command unanswered after the read + write timeout or a
 * failing heartbeat (a hung one), or on errors in the rolling second. It comes back only through
 * {@link RedisShard.sync}: on the connection's ready event, a heartbeat, or the breaker's half-open timer, the shard's epoch is read (a new
 * one means it lost its data), the return hook re-seeds what this process admitted while it was away (or
 * since the window began, when the data is gone), and only then do decisions go to it again.
 */
import { Command, Redis } from 'ioredis';
import CircuitBreaker from 'opossum';
import type { Logger } from '../../src/log/app-log.ts';
import type { RedisStoreMetrics, StoreErrorKind } from './metrics.ts';
import type { RedisStoreOptions, ShardAddress } from './redis-options.ts';
import { randomUUID } from 'node:crypto';
import { CommandDeadline } from './command-deadline.ts';
import { FailureRate } from './failure-rate.ts';
import { EvalshaCommand } from './script-command.ts';
import { EPOCH_KEY, shardEpoch, type LuaScript } from './scripts.ts';

/** Why `run` did not reach Redis. */
export class ShardUnavailableError extends Error {
  constructor(shard: string, reason: string) {
    super(`Redis shard ${shard} unavailable: ${reason}`);
    this.name = 'ShardUnavailableError';
  }
}

/**
 * Runs when a shard becomes available again, before any decision goes to it: `lostData` when its epoch
 * changed since this process last synced. A rejection is logged and not retried: the shard comes back anyway
 * (what a failed re-seed carried may or may not have reached Redis; trying again could count it twice).
 */
export type ShardReturnHook = (shard: RedisShard, lostData: boolean) => Promise<void>;

/** Reconnect delays stay short: the breaker, not the retry, keeps requests off a dead shard. */
const RECONNECT_MAX_MS = 200;

function errorKind(err: unknown): StoreErrorKind {
  const msg = err instanceof Error ? err.message : String(err);
  if (msg.includes('timed out')) return 'timeout';
  if (/writeable|closed|ECONNREFUSED|ECONNRESET|MaxRetriesPerRequest|Reached the max retries/i.test(msg)) return 'connection';
  if ((err as { name?: string })?.name === 'ReplyError') return 'script';
  return 'other';
}

export class RedisShard {
  readonly name: string;
  readonly client: Redis;
  /** The shard's state (open, half-open timer, closed); script calls bypass its `fire` (see run()). */
  private readonly breaker: CircuitBreaker<[], void>;
  private readonly failures = new FailureRate();
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly heartbeatMs: number;
  private readonly log: Logger;
  private readonly metrics: RedisStoreMetrics;
  private down = true;
  private closed = false;
  /** True while decisions go to Redis: set by sync(), cleared when the breaker opens. */
  private up = false;
  private syncing: Promise<void> | undefined;
  /** The epoch this process last synced with; undefined before the first sync. */
  private epoch: string | undefined;
  private readonly onReturn: ShardReturnHook | undefined;
  /** The last connection error, named in the transition log (wrong password, refused, …). */
  private lastError = '';
  /** Fails commands unanswered after the read + write timeout and opens the breaker (command-deadline.ts). */
  private readonly deadline: CommandDeadline;
  /** The socket while it is corked for the current turn's script calls (see {@link RedisShard.send}). */
  private corked: Redis['stream'] | undefined;

  constructor(addr: ShardAddress, o: RedisStoreOptions, log: Logger, metrics: RedisStoreMetrics, onReturn?: ShardReturnHook) {
    this.name = addr.name;
    this.onReturn = onReturn;
    this.log = log;
    this.metrics = metrics;
    this.heartbeatMs = Math.max(10, o.heartbeatMs);
    this.client = new Redis({
      host: addr.host,
      port: addr.port,
      db: addr.db,
      username: addr.username ?? (o.username || undefined),
      password: addr.password ?? (o.password || undefined),
      tls: addr.tls ? { servername: addr.host } : undefined,
      connectTimeout: o.dialTimeoutMs,
      // No commandTimeout (a timer per command): the shard's CommandDeadline checks all commands at once.
      // No auto-pipelining: the limiter already gathers a turn's decisions; send() writes them in one writev.
      enableAutoPipelining: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (n) => Math.min(25 * n, RECONNECT_MAX_MS),
      lazyConnect: true,
      connectionName: 'skipjack-swarm',
    });
    this.breaker = new CircuitBreaker(async () => {}, {
      timeout: false,
      resetTimeout: 500,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    // Start open: until the first connection is ready, decisions fall back without trying.
    this.breaker.open();
    this.metrics.fallback(this.name, true);
    this.breaker.on('open', () => {
      this.up = false;
      this.transition(true);
    });
    this.breaker.on('close', () => this.transition(false));
    // Opossum's trial call would let decisions through before the re-seed: the shard syncs instead.
    this.breaker.on('halfOpen', () => void this.sync());
    this.client.on('ready', () => {
      this.lastError = '';
      void this.sync();
    });
    this.client.on('close', () => {
      if (!this.breaker.opened) this.breaker.open();
    });
    // ioredis emits 'error' for every failed reconnect; the transition log says it once.
    this.client.on('error', (err: Error) => void (this.lastError = err.message));
    const deadlineMs = o.readTimeoutMs + o.writeTimeoutMs;
    this.deadline = new CommandDeadline(this.client, deadlineMs, (n) => {
      this.lastError = `${n} command(s) unanswered after ${deadlineMs} ms`;
      if (!this.breaker.opened) this.breaker.open();
    });
  }

  /** Connects; resolves when ready or when the first attempt failed (decisions fall back meanwhile). */
  async connect(): Promise<void> {
    // Before the first command: the handshake (AUTH, SELECT, INFO) has the same deadline.
    if (!this.closed) this.deadline.start();
    // The 'error' event names the cause (WRONGPASS, ECONNREFUSED); the rejection only says the connection closed.
    await this.client.connect().catch((err: Error) => void (this.lastError ||= err.message));
    await this.sync();
    if (!this.connected() && !this.closed) {
      this.log.warn('swarm Redis shard unreachable at start: rate limit decisions for its keys fall back until it answers', { shard: this.name, error: this.lastError });
    }
    if (this.heartbeat === undefined && !this.closed) this.startHeartbeat();
  }

  /** True while decisions for this shard go to Redis. */
  available(): boolean {
    return this.up;
  }

  /** Connected and synced: decisions for its keys go to Redis. */
  connected(): boolean {
    return this.client.status === 'ready' && this.up;
  }

  /**
   * Runs `script` on `key`; rejects at once while the shard is away. The reply is as Redis sends it
   * (integers and arrays of them; a bulk string would be a Buffer): the scripts behind `run` return numbers.
   * Calls do not go through opossum's `fire` (about 1.2 KB per call): failures are counted in
   * {@link FailureRate}, which opens the breaker as opossum's rolling window did.
   */
  run(script: LuaScript, key: string, args: (string | number)[]): Promise<unknown> {
    if (!this.up) return Promise.reject(new ShardUnavailableError(this.name, 'breaker open'));
    const t0 = performance.now();
    return this.send(new EvalshaCommand(script, key, args)).then(
      (r) => this.answered(t0, r),
      (err: unknown) =>
        // A restarted or flushed shard has lost its script cache: EVAL loads it again.
        err instanceof Error && err.message.startsWith('NOSCRIPT')
          ? this.send(new Command('eval', [script.source, 1, key, ...args])).then((r) => this.answered(t0, r), this.failed)
          : this.failed(err),
    );
  }

  private answered(t0: number, reply: unknown): unknown {
    const now = performance.now();
    this.metrics.storeDone((now - t0) / 1000);
    this.failures.record(now, false);
    return reply;
  }

  private readonly failed = (err: unknown): never => {
    const kind = errorKind(err);
    this.metrics.storeError(kind);
    // A script error is the request's problem, not the shard's.
    if (kind !== 'script' && this.failures.record(performance.now(), true) && !this.breaker.opened) {
      this.lastError = (err as Error).message;
      this.breaker.open();
    }
    throw err;
  };

  /**
   * Writes one script call with ioredis's lower-level `sendCommand` (its `evalsha()` goes through a Commander
   * wrapper and, with auto-pipelining, a Pipeline per turn: about 1 KB more per call and one more loop turn
   * of latency). The first call of a turn corks the socket until the turn's synchronous part ends, so a
   * turn's calls leave in one writev as auto-pipelining would.
   */
  private send(command: Command): Promise<unknown> {
    if (this.corked === undefined && this.client.status === 'ready') {
      this.corked = this.client.stream;
      this.corked.cork();
      // The limiter sends a turn's calls synchronously; a microtask (cheaper than a nextTick) runs after them.
      queueMicrotask(this.uncork);
    }
    return this.client.sendCommand(command) as Promise<unknown>;
  }

  private readonly uncork = (): void => {
    const s = this.corked;
    this.corked = undefined;
    s?.uncork();
  };

  /**
   * Makes the shard available if it answers: reads (or sets) its epoch, lets the return hook re-seed, then
   * closes the breaker. One at a time; a failure leaves the shard away until the next try.
   */
  sync(): Promise<void> {
    if (this.syncing !== undefined) return this.syncing;
    if (this.closed || this.client.status !== 'ready') return Promise.resolve();
    this.syncing = this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    try {
      const e = String(await this.client.eval(shardEpoch.source, 1, EPOCH_KEY, randomUUID()));
      const lostData = this.epoch !== undefined && e !== this.epoch;
      this.epoch = e;
      if (lostData) this.log.warn('swarm Redis shard came back without its counts: re-seeding this instance\'s admissions', { shard: this.name });
      if (this.onReturn !== undefined) {
        await this.onReturn(this, lostData).catch((err: unknown) => {
          this.metrics.storeError(errorKind(err));
          this.log.warn('swarm Redis shard re-seed failed: its counts may lack admissions made while it was away', { shard: this.name, error: (err as Error).message });
        });
      }
      if (this.closed || this.client.status !== 'ready') return;
      this.failures.reset();
      this.breaker.close();
      this.up = true;
    } catch (err) {
      this.lastError = `sync: ${(err as Error).message}`;
      this.metrics.storeError(errorKind(err));
      if (!this.breaker.opened) this.breaker.open();
    }
  }

  /** Every heartbeatMs: a hung shard opens the breaker; a returned or flushed one syncs. */
  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => {
      if (this.client.status !== 'ready' || this.syncing !== undefined) return;
      if (!this.up) return void this.sync();
      this.client.get(EPOCH_KEY).then(
        (e) => {
          if (e === this.epoch || this.syncing !== undefined) return;
          // Flushed or replaced under a live connection: away until re-seeded.
          if (!this.breaker.opened) this.breaker.open();
          void this.sync();
        },
        (err: unknown) => {
          this.lastError = `heartbeat: ${(err as Error).message}`;
          this.metrics.storeError(errorKind(err));
          if (!this.breaker.opened) this.breaker.open();
        },
      );
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private transition(down: boolean): void {
    this.metrics.fallback(this.name, down);
    if (down === this.down) return;
    this.down = down;
    if (this.closed) return;
    if (down) this.log.warn('swarm Redis shard unreachable: rate limit decisions for its keys fall back until it returns', { shard: this.name, error: this.lastError || undefined });
    else this.log.info('swarm Redis shard reachable: rate limit decisions use it', { shard: this.name });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.breaker.shutdown();
    // The deadline runs until QUIT is answered or fails: a hung shard must not hold up the shutdown.
    if (this.client.status !== 'end') await this.client.quit().catch(() => this.client.disconnect());
    this.deadline.stop();
  }
}
