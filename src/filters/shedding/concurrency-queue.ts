/**
 * A concurrency limit with a bounded waiting line, the queue behind Skipper's fifo and lifo filters.
 * FIFO (fifo, fifoWithBody): a request that finds the running and waiting places all taken is refused;
 * waiters run in arrival order. LIFO (lifo, lifoGroup, …; Skipper's jobqueue stack): the newest waiter runs
 * first, and a request arriving at a full stack pushes out the oldest waiter, which is refused instead —
 * under overload, recent requests (whose clients still wait) are served. A waiter runs out after `timeoutMs`.
 */

/** What an admission attempt yields: a release function, or why it was not admitted. */
export type Admission = (() => void) | 'full' | 'timeout';

export interface QueueConfig {
  readonly maxConcurrency: number;
  readonly maxQueueSize: number;
  readonly timeoutMs: number;
}

interface Waiter {
  resolve(a: Admission): void;
  timer: NodeJS.Timeout;
  since: number;
}

/** Observes queue depth and waiting time (metrics); optional. */
export interface QueueObserver {
  depth(n: number): void;
  waited(ms: number): void;
  rejected(reason: 'full' | 'timeout'): void;
}

export class ConcurrencyQueue {
  readonly name: string;
  readonly lifo: boolean;
  config: QueueConfig;
  active = 0;
  readonly #waiting: Waiter[] = [];
  readonly #observer: QueueObserver | null;

  constructor(name: string, lifo: boolean, config: QueueConfig, observer: QueueObserver | null = null) {
    this.name = name;
    this.lifo = lifo;
    this.config = config;
    this.#observer = observer;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** A release function right away when a slot is free (no Promise on the fast path), else a Promise. */
  admit(): Admission | Promise<Admission> {
    const c = this.config;
    if (this.active < c.maxConcurrency && this.#waiting.length === 0) {
      this.active++;
      return this.#release();
    }
    if (this.#waiting.length >= c.maxQueueSize) {
      if (!this.lifo || c.maxQueueSize === 0) return this.#reject('full');
      // LIFO: the oldest waiter makes room for the newest.
      const oldest = this.#waiting.shift()!;
      clearTimeout(oldest.timer);
      this.#observer?.rejected('full');
      oldest.resolve('full');
    }
    return new Promise<Admission>((resolve) => {
      const w: Waiter = {
        resolve,
        since: performance.now(),
        timer: setTimeout(() => {
          const i = this.#waiting.indexOf(w);
          if (i !== -1) this.#waiting.splice(i, 1);
          this.#depth();
          this.#observer?.rejected('timeout');
          resolve('timeout');
        }, c.timeoutMs),
      };
      this.#waiting.push(w);
      this.#depth();
    });
  }

  /** New limits from a route update; a raised concurrency lets waiters in at once. */
  reconfigure(c: QueueConfig): void {
    this.config = c;
    while (this.active < c.maxConcurrency && this.#waiting.length > 0) this.#next();
  }

  #reject(reason: 'full'): Admission {
    this.#observer?.rejected(reason);
    return reason;
  }

  #release(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      if (this.active < this.config.maxConcurrency && this.#waiting.length > 0) this.#next();
    };
  }

  #next(): void {
    const w = this.lifo ? this.#waiting.pop()! : this.#waiting.shift()!;
    clearTimeout(w.timer);
    this.active++;
    this.#depth();
    this.#observer?.waited(performance.now() - w.since);
    w.resolve(this.#release());
  }

  #depth(): void {
    this.#observer?.depth(this.#waiting.length);
  }
}
