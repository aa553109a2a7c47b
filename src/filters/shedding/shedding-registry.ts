/**
 * The queues and admission-control windows of one process, keyed by route id (fifo, lifo,
 * admissionControl) or group name (lifoGroup), as Skipper's scheduler registry keys them. They live outside
 * the route table: a route update hands the new filter instances the same queue (reconfigured when the
 * arguments changed), so waiting requests and counts survive it. A queue no route uses any more is dropped.
 */
import { ConcurrencyQueue, type QueueConfig, type QueueObserver } from './concurrency-queue.ts';

/** What shedding reports; implemented by the metrics. */
export interface SheddingObserver {
  queue(name: string): QueueObserver;
  admissionRejected(routeId: string): void;
}

interface Held<T> {
  value: T;
  users: number;
}

export class SheddingRegistry {
  readonly #queues = new Map<string, Held<ConcurrencyQueue>>();
  readonly #shared = new Map<string, Held<unknown>>();
  readonly observer: SheddingObserver | null;

  constructor(observer: SheddingObserver | null = null) {
    this.observer = observer;
  }

  /** The queue named `key`, created or reconfigured to `config` (null: keep the existing or use `fallback`). */
  attachQueue(key: string, lifo: boolean, config: QueueConfig | null, fallback: QueueConfig): ConcurrencyQueue {
    const h = this.#queues.get(key);
    if (h !== undefined) {
      h.users++;
      if (config !== null && !sameConfig(h.value.config, config)) h.value.reconfigure(config);
      return h.value;
    }
    const q = new ConcurrencyQueue(key, lifo, config ?? fallback, this.observer?.queue(key) ?? null);
    this.#queues.set(key, { value: q, users: 1 });
    return q;
  }

  detachQueue(key: string): void {
    const h = this.#queues.get(key);
    if (h !== undefined && --h.users === 0) this.#queues.delete(key);
  }

  /** Per-route state other than queues (admissionControl windows), created by `make` on first use. */
  attach<T>(key: string, make: () => T): T {
    const h = this.#shared.get(key);
    if (h !== undefined) {
      h.users++;
      return h.value as T;
    }
    const value = make();
    this.#shared.set(key, { value, users: 1 });
    return value;
  }

  detach(key: string): void {
    const h = this.#shared.get(key);
    if (h !== undefined && --h.users === 0) this.#shared.delete(key);
  }

  /** The live queue named `key` (tests, metrics). */
  queue(key: string): ConcurrencyQueue | undefined {
    return this.#queues.get(key)?.value;
  }
}

function sameConfig(a: QueueConfig, b: QueueConfig): boolean {
  return a.maxConcurrency === b.maxConcurrency && a.maxQueueSize === b.maxQueueSize && a.timeoutMs === b.timeoutMs;
}
