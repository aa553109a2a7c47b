/**
 * The command deadline of one shard connection (-swarm-redis-read-timeout + -swarm-redis-write-timeout): one
 * interval per connection instead of ioredis's `commandTimeout`, which arms a timer per command (≈1 KB and a
 * timer-list insert per decision at 5,000/s).
 *
 * Every tick (a quarter of the deadline) records a marker: the time and the newest command then waiting for
 * its reply (the tail of ioredis's `commandQueue`). Redis answers a connection in order, so once a marker is
 * one deadline old, every command up to its command that is still unsettled has waited at least the
 * deadline: those are rejected with "Command timed out" (as `commandTimeout` did) and `onExpired` runs (the
 * shard opens its breaker). A command therefore fails between 1 and 1.25 deadlines after it was written.
 * The rejection waits for the poll phase of the same loop turn (setImmediate): when this process itself was
 * late (a GC pause, a busy core), replies already in the socket are read first and nothing fails that Redis
 * answered in time — unlike per-command timers, which fire before the reads of a late turn.
 * Rejected commands stay in the queue, so a late reply is still matched to its own command and dropped.
 */
import type { Redis } from 'ioredis';

/** The part of an ioredis Command the check touches (public fields of ioredis's Command). */
interface PendingCommand {
  readonly isSettled: boolean;
  reject(err: Error): void;
}

/** ioredis's `commandQueue` (a Denque of written commands awaiting replies, oldest first). */
interface CommandQueue {
  readonly length: number;
  peekAt(i: number): { command: PendingCommand } | undefined;
  peekBack(): { command: PendingCommand } | undefined;
}

/** Markers kept: a deadline spans 4 ticks; more only when ticks run early, which intervals do not. */
const MARKERS = 8;

export class CommandDeadline {
  readonly timeoutMs: number;
  private readonly client: Redis;
  private readonly onExpired: (commands: number) => void;
  private timer: NodeJS.Timeout | undefined;
  /** Ring of markers: when each was taken, and the newest written command at that time (undefined: none). */
  private readonly at = new Float64Array(MARKERS);
  private readonly newest: (PendingCommand | undefined)[] = new Array<PendingCommand | undefined>(MARKERS).fill(undefined);
  private head = 0;
  private count = 0;
  /** The command up to which the pending expiry rejects; undefined when none is pending. */
  private expiring: PendingCommand | undefined;

  constructor(client: Redis, timeoutMs: number, onExpired: (commands: number) => void) {
    this.client = client;
    this.timeoutMs = timeoutMs;
    this.onExpired = onExpired;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(this.tick, Math.max(1, this.timeoutMs / 4));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.newest.fill(undefined);
    this.count = 0;
    this.expiring = undefined;
  }

  private readonly tick = (): void => {
    const now = performance.now();
    const queue = this.client.commandQueue as unknown as CommandQueue;
    // The newest marker at least one deadline old covers every older one (its command was written later).
    let due: PendingCommand | undefined;
    let found = false;
    while (this.count > 0 && now - this.at[this.head]! >= this.timeoutMs) {
      due = this.newest[this.head];
      found = true;
      this.newest[this.head] = undefined;
      this.head = (this.head + 1) % MARKERS;
      this.count--;
    }
    if (this.count === MARKERS) {
      // Full (the deadline is shorter than a few ticks apart): the oldest marker gives way, which only delays.
      this.newest[this.head] = undefined;
      this.head = (this.head + 1) % MARKERS;
      this.count--;
    }
    const slot = (this.head + this.count) % MARKERS;
    this.at[slot] = now;
    this.newest[slot] = queue.length > 0 ? queue.peekBack()?.command : undefined;
    this.count++;
    if (found && due !== undefined && !due.isSettled && this.expiring === undefined) {
      this.expiring = due;
      setImmediate(this.expire);
    }
  };

  /** After the poll phase: rejects what is still unanswered up to the due command. */
  private readonly expire = (): void => {
    const last = this.expiring;
    this.expiring = undefined;
    if (last === undefined || last.isSettled) return;
    const queue = this.client.commandQueue as unknown as CommandQueue;
    let end = 0;
    while (end < queue.length && queue.peekAt(end)!.command !== last) end++;
    // Not queued any more: the connection closed and ioredis rejected it with the rest.
    if (end === queue.length) return;
    let failed = 0;
    for (let i = 0; i <= end; i++) {
      const c = queue.peekAt(i)!.command;
      if (c.isSettled) continue;
      c.reject(new Error('Command timed out'));
      failed++;
    }
    this.onExpired(failed);
  };
}
