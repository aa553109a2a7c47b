/**
 * The request rate limits: ratelimit, clientRatelimit, localRatelimit (deprecated alias), clusterRatelimit
 * and clusterClientRatelimit, with Skipper's arguments and defaults. A refused request is answered from the
 * filter chain with the configured status (429 by default), `X-Rate-Limit` and `Retry-After`, and an empty
 * body; the backend is not called.
 */
import type { Arg } from '../../eskip/index.ts';
import type { Limiter, Verdict } from '../../ratelimit/limiter.ts';
import type { LimiterRegistry } from '../../ratelimit/registry.ts';
import { rateLimitHeaders, type RateLimitKind, type RateLimitSettings } from '../../ratelimit/settings.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../types.ts';
import { argRange, countArg, groupArg, statusCodeArg, windowArg } from './args.ts';
import { FAIL_CLOSED_KEY } from './fail-closed.ts';
import { identityArg, xffIdentity, type Identity } from './identity.ts';

const TOO_MANY_REQUESTS = 429;

/** How a filter instance picks the key of each request. */
type KeyOf = (ctx: FilterContext) => string;

/** One rate-limit filter instance: asks its limiter per request, refuses with Skipper's headers. */
export class RequestLimit implements FilterInstance {
  readonly name: string;
  readonly limiter: Limiter;
  readonly #keyOf: KeyOf;
  /** Per-client limits skip requests without an identity, as Skipper's filter does for an empty lookup. */
  readonly #perClient: boolean;
  readonly #status: number;
  /** X-Rate-Limit announces the limit as written, also when group shards split it. */
  readonly #maxHits: number;
  readonly #cluster: boolean;

  constructor(o: { name: string; limiter: Limiter; keyOf: KeyOf; perClient: boolean; status: number; maxHits: number }) {
    this.name = o.name;
    this.limiter = o.limiter;
    this.#keyOf = o.keyOf;
    this.#perClient = o.perClient;
    this.#status = o.status;
    this.#maxHits = o.maxHits;
    this.#cluster = o.limiter.settings.kind === 'clusterService' || o.limiter.settings.kind === 'clusterClient';
  }

  request(ctx: FilterContext): void | Promise<void> {
    const key = this.#keyOf(ctx);
    if (this.#perClient && key === '') return;
    // Only cluster limits can fail (an unreachable store); local ones decide from memory.
    const failClosed = this.#cluster && ctx.stateBag.get(FAIL_CLOSED_KEY) === true;
    const v = this.limiter.check(key, failClosed);
    if (v instanceof Promise) return v.then((x) => this.#apply(ctx, x));
    this.#apply(ctx, v);
  }

  #apply(ctx: FilterContext, v: Verdict): void {
    if (v.allowed) return;
    ctx.serve({ status: this.#status, headers: rateLimitHeaders(this.#maxHits, this.limiter.settings.windowMs, v.retryAfterSec), body: null });
  }
}

const sameBucket: KeyOf = () => '';

function settings(kind: RateLimitKind, maxHits: number, windowMs: number, group: string, identity: string): RateLimitSettings {
  return Object.freeze({ kind, maxHits, windowMs, group, identity });
}

function limiterOf(registry: LimiterRegistry, s: RateLimitSettings): Limiter {
  // Only `disabled` settings have no limiter, and no spec here makes them.
  return registry.get(s)!;
}

/** ratelimit(maxHits, window[, status]): one bucket per instance. */
function serviceSpec(registry: LimiterRegistry): FilterSpec {
  const name = 'ratelimit';
  return {
    name,
    create(args: Arg[]) {
      argRange(name, args, 2, 3);
      const maxHits = countArg(name, args[0], 'max hits');
      const windowMs = windowArg(name, args[1]);
      const status = statusCodeArg(name, args, 2, TOO_MANY_REQUESTS);
      const limiter = limiterOf(registry, settings('service', maxHits, windowMs, '', ''));
      return new RequestLimit({ name, limiter, keyOf: sameBucket, perClient: false, status, maxHits });
    },
  };
}

/** clientRatelimit / localRatelimit(maxHits, window[, identity]): one bucket per client per instance. */
function clientSpec(registry: LimiterRegistry, name: string, onDeprecated?: () => void): FilterSpec {
  return {
    name,
    create(args: Arg[]) {
      argRange(name, args, 2, 3);
      onDeprecated?.();
      const maxHits = countArg(name, args[0], 'max hits');
      const windowMs = windowArg(name, args[1]);
      const id: Identity = args.length > 2 ? identityArg(name, groupArg(name, args[2]), false) : xffIdentity;
      const limiter = limiterOf(registry, settings('client', maxHits, windowMs, '', id.description));
      return new RequestLimit({ name, limiter, keyOf: id.read, perClient: true, status: TOO_MANY_REQUESTS, maxHits });
    },
  };
}

/**
 * Skipper's getKeyShards: the largest k in [1, maxShards] dividing maxHits. The group is then counted in k
 * shards of maxHits/k each, chosen round-robin, to spread one hot group over several store keys.
 */
export function keyShards(maxHits: number, maxShards: number): number {
  for (let k = maxShards; k > 1; k--) if (maxHits % k === 0) return k;
  return 1;
}

/** clusterRatelimit(group, maxHits, window[, status]): one bucket per group across the swarm. */
function clusterServiceSpec(registry: LimiterRegistry): FilterSpec {
  const name = 'clusterRatelimit';
  return {
    name,
    create(args: Arg[]) {
      argRange(name, args, 3, 4);
      const group = groupArg(name, args[0]);
      const maxHits = countArg(name, args[1], 'max hits');
      const windowMs = windowArg(name, args[2]);
      const status = statusCodeArg(name, args, 3, TOO_MANY_REQUESTS);
      const k = keyShards(maxHits, registry.maxGroupShards);
      if (k === 1) {
        const limiter = limiterOf(registry, settings('clusterService', maxHits, windowMs, group, ''));
        return new RequestLimit({ name, limiter, keyOf: sameBucket, perClient: false, status, maxHits });
      }
      const limiter = limiterOf(registry, settings('clusterService', maxHits / k, windowMs, `${group}.${k}`, ''));
      // Skipper's RoundRobinLookuper: per filter instance, starting at shard 1.
      const keys = Array.from({ length: k }, (_, i) => `RoundRobin${i}`);
      let n = 0;
      const keyOf: KeyOf = () => keys[(n = (n + 1) % k)]!;
      return new RequestLimit({ name, limiter, keyOf, perClient: false, status, maxHits });
    },
  };
}

/** clusterClientRatelimit(group, maxHits, window[, identity]): one bucket per client per group across the swarm. */
function clusterClientSpec(registry: LimiterRegistry): FilterSpec {
  const name = 'clusterClientRatelimit';
  return {
    name,
    create(args: Arg[]) {
      argRange(name, args, 3, 4);
      const group = groupArg(name, args[0]);
      const maxHits = countArg(name, args[1], 'max hits');
      const windowMs = windowArg(name, args[2]);
      const id: Identity = args.length > 3 ? identityArg(name, groupArg(name, args[3]), true) : xffIdentity;
      const limiter = limiterOf(registry, settings('clusterClient', maxHits, windowMs, group, id.description));
      return new RequestLimit({ name, limiter, keyOf: id.read, perClient: true, status: TOO_MANY_REQUESTS, maxHits });
    },
  };
}

/** The request rate-limit specs over one registry; `warn` hears of deprecated filters once. */
export function requestLimitSpecs(registry: LimiterRegistry, warn: (message: string) => void = () => {}): FilterSpec[] {
  let warned = false;
  const deprecated = (): void => {
    if (warned) return;
    warned = true;
    warn('localRatelimit is deprecated, please use clientRatelimit');
  };
  return [serviceSpec(registry), clientSpec(registry, 'clientRatelimit'), clientSpec(registry, 'localRatelimit', deprecated), clusterServiceSpec(registry), clusterClientSpec(registry)];
}
