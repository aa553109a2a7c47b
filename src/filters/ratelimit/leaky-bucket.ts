/**
 * clusterLeakyBucketRatelimit(label, volume, period, capacity, increment): a leaky bucket per expanded
 * label, shared across the swarm (Skipper's filter of that name). The bucket leaks `volume` units per
 * `period` and holds `capacity`; each request adds `increment`. Offered only when the swarm has a shared
 * store (a SwarmLeakyBucket), as Skipper offers it only with Redis or Valkey.
 */
import type { Arg } from '../../eskip/index.ts';
import { InvalidArgsError } from '../../errors.ts';
import type { DecisionCounter } from '../../ratelimit/decision-metrics.ts';
import type { Decision, LeakyBucketSettings, SwarmLeakyBucket } from '../../ratelimit/ports.ts';
import type { LimiterRegistry } from '../../ratelimit/registry.ts';
import { compileTemplate } from '../template.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../types.ts';
import { argRange, countArg, windowArg } from './args.ts';
import { FAIL_CLOSED_KEY } from './fail-closed.ts';

export const LEAKY_BUCKET_NAME = 'clusterLeakyBucketRatelimit';

function natural(a: Arg | undefined, what: string): number {
  const n = countArg(LEAKY_BUCKET_NAME, a, what);
  if (n <= 0) throw new InvalidArgsError(`${LEAKY_BUCKET_NAME}: ${what} must be positive, got ${JSON.stringify(a)}`);
  return n;
}

function refuse(ctx: FilterContext, retryAfter: string | null): void {
  ctx.serve({ status: 429, headers: retryAfter === null ? {} : { 'retry-after': retryAfter }, body: null });
}

class LeakyBucketFilter implements FilterInstance {
  readonly name = LEAKY_BUCKET_NAME;
  readonly #label: ReturnType<typeof compileTemplate>;
  readonly #bucket: LeakyBucketSettings;
  readonly #increment: number;
  readonly #store: SwarmLeakyBucket;
  readonly #counter: DecisionCounter;

  constructor(label: string, bucket: LeakyBucketSettings, increment: number, store: SwarmLeakyBucket, counter: DecisionCounter) {
    this.#label = compileTemplate(label);
    this.#bucket = bucket;
    this.#increment = increment;
    this.#store = store;
    this.#counter = counter;
  }

  request(ctx: FilterContext): void | Promise<void> {
    const label = this.#label.expandStrict(ctx);
    // An unresolved placeholder: admitted and not counted, as Skipper's.
    if (label === null) return;
    // More than the bucket can ever hold: always refused, without a Retry-After (no wait would help).
    if (this.#increment > this.#bucket.capacity) {
      this.#counter.count('refused');
      return refuse(ctx, null);
    }
    const failClosed = ctx.stateBag.get(FAIL_CLOSED_KEY) === true;
    return this.#store.add(this.#bucket, label, this.#increment, failClosed).then((d: Decision) => {
      if (d.source === 'fail-closed') {
        this.#counter.count('refused');
        if (!d.allowed) refuse(ctx, '60');
        return;
      }
      this.#counter.count(d.source === 'fallback' ? 'fallback' : d.allowed ? 'allowed' : 'refused');
      // Skipper sends whole seconds, truncated, and no header without a wait.
      if (!d.allowed) refuse(ctx, d.retryAfterMs > 0 ? String(Math.floor(d.retryAfterMs / 1000)) : null);
    }, () => {
      // The store could not decide: admit, or refuse under ratelimitFailClosed with Skipper's minute.
      if (failClosed) {
        this.#counter.count('refused');
        refuse(ctx, '60');
      } else this.#counter.count('fallback');
    });
  }
}

/** The spec, or null when the registry has no shared leaky-bucket store. */
export function clusterLeakyBucketRatelimit(registry: LimiterRegistry): FilterSpec | null {
  const store = registry.leakyBucket;
  if (store === null) return null;
  return {
    name: LEAKY_BUCKET_NAME,
    create(args: Arg[]) {
      argRange(LEAKY_BUCKET_NAME, args, 5, 5);
      if (typeof args[0] !== 'string') throw new InvalidArgsError(`${LEAKY_BUCKET_NAME}: label must be a string, got ${JSON.stringify(args[0])}`);
      const volume = natural(args[1], 'leak volume');
      const periodMs = windowArg(LEAKY_BUCKET_NAME, args[2], 'leak period');
      const capacity = natural(args[3], 'capacity');
      const increment = natural(args[4], 'increment');
      const bucket = Object.freeze({ capacity, emissionMs: periodMs / volume });
      // The label template, not its expansions: one metric series per filter, however many clients.
      return new LeakyBucketFilter(args[0], bucket, increment, store, registry.metrics.group(`leaky:${args[0]}`));
    },
  };
}
