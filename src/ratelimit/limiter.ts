/**
 * One limiter per settings: the object a rate-limit filter asks per request. Local kinds count in the
 * instance's buckets; cluster kinds ask the SwarmLimiter. Made by the {@link LimiterRegistry}, outside the
 * route table, so a route update that keeps the settings keeps the counts.
 */
import type { DecisionCounter } from './decision-metrics.ts';
import { InProcessLimiter, type BucketSpec, type InstanceLimiter } from './instance-limiter.ts';
import type { LimitSettings, SwarmLimiter } from './ports.ts';
import { retryAfterSeconds, type RateLimitSettings } from './settings.ts';
import type { LocalDecision } from './sliding-log.ts';

/** A decision as the filters use it. */
export interface Verdict {
  readonly allowed: boolean;
  /** Seconds for Retry-After when refused. */
  readonly retryAfterSec: number;
}

export const ALLOW: Verdict = Object.freeze({ allowed: true, retryAfterSec: 0 });
/** A store failure under ratelimitFailClosed: refuse and suggest a second, as Skipper's minimum wait. */
const FAIL_CLOSED: Verdict = Object.freeze({ allowed: false, retryAfterSec: 1 });

export interface Limiter {
  readonly settings: RateLimitSettings;
  /**
   * Counts a request for `key` ('' for one bucket per limiter) and decides it; synchronous when the state is
   * in this process. `failClosed` matters only when the state cannot be reached.
   */
  check(key: string, failClosed: boolean): Verdict | Promise<Verdict>;
}

/** maxHits 0: everything refused, with Skipper's five-year Retry-After. */
export const REFUSE_ALL: Verdict = Object.freeze({ allowed: false, retryAfterSec: 5 * 365 * 24 * 3600 });

/**
 * A limiter whose answer never changes: a limit of 0 (REFUSE_ALL), or a cluster limit without a swarm
 * (Skipper's voidRatelimit, ALLOW).
 */
export class FixedLimiter implements Limiter {
  readonly settings: RateLimitSettings;
  readonly #counter: DecisionCounter;
  readonly #verdict: Verdict;
  constructor(settings: RateLimitSettings, counter: DecisionCounter, verdict: Verdict) {
    this.settings = settings;
    this.#counter = counter;
    this.#verdict = verdict;
  }
  check(): Verdict {
    this.#counter.count(this.#verdict.allowed ? 'allowed' : 'refused');
    return this.#verdict;
  }
}

function verdictOf(d: LocalDecision, counter: DecisionCounter): Verdict {
  if (d.allowed) {
    counter.count('allowed');
    return ALLOW;
  }
  counter.count('refused');
  return { allowed: false, retryAfterSec: retryAfterSeconds(d.retryAfterMs) };
}

/** service / client limits, counted per instance (in this process, or in the primary over IPC). */
export class LocalLimiter implements Limiter {
  readonly settings: RateLimitSettings;
  readonly #bucket: BucketSpec;
  readonly #counter: DecisionCounter;
  readonly #instance: InstanceLimiter;
  // The in-process log itself when the buckets live here: a decision is then a Map lookup and a ring step.
  readonly #log: ReturnType<InProcessLimiter['log']> | null;
  readonly #now: () => number;

  constructor(settings: RateLimitSettings, id: string, instance: InstanceLimiter, counter: DecisionCounter, now: () => number = Date.now) {
    this.settings = settings;
    this.#bucket = { id, maxHits: settings.maxHits, windowMs: settings.windowMs };
    this.#counter = counter;
    this.#instance = instance;
    this.#log = instance instanceof InProcessLimiter ? instance.log(this.#bucket) : null;
    this.#now = now;
  }

  check(key: string): Verdict | Promise<Verdict> {
    if (this.#log !== null) return verdictOf(this.#log.allow(key, this.#now()), this.#counter);
    const d = this.#instance.allow(this.#bucket, key);
    if (!(d instanceof Promise)) return verdictOf(d, this.#counter);
    return d.then((x) => verdictOf(x, this.#counter), () => {
      // The primary did not answer (it is shutting down or stuck): admit, as Skipper's limiters fail open.
      this.#counter.count('fallback');
      return ALLOW;
    });
  }
}

/** clusterService / clusterClient limits, counted across the swarm. */
export class ClusterLimiter implements Limiter {
  readonly settings: RateLimitSettings;
  readonly #limit: LimitSettings;
  readonly #swarm: SwarmLimiter;
  readonly #counter: DecisionCounter;

  constructor(settings: RateLimitSettings, swarm: SwarmLimiter, counter: DecisionCounter) {
    this.settings = settings;
    this.#limit = Object.freeze({ group: settings.group, maxHits: settings.maxHits, windowMs: settings.windowMs });
    this.#swarm = swarm;
    this.#counter = counter;
  }

  async check(key: string, failClosed: boolean): Promise<Verdict> {
    try {
      const d = await this.#swarm.allow(this.#limit, key, failClosed);
      if (d.source === 'fail-closed') {
        this.#counter.count('refused');
        return d.allowed ? ALLOW : { allowed: false, retryAfterSec: retryAfterSeconds(d.retryAfterMs) };
      }
      if (d.source === 'fallback') this.#counter.count('fallback');
      else this.#counter.count(d.allowed ? 'allowed' : 'refused');
      return d.allowed ? ALLOW : { allowed: false, retryAfterSec: retryAfterSeconds(d.retryAfterMs) };
    } catch {
      // The limiter could not decide at all: fail open, or closed when the route asks for it.
      if (failClosed) {
        this.#counter.count('refused');
        return FAIL_CLOSED;
      }
      this.#counter.count('fallback');
      return ALLOW;
    }
  }
}
