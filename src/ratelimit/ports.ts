/**
 * What the rate-limit filters need from the swarm, declared here where it is consumed; swarm/ implements it
 * (Redis, gossip) and only the composition root wires the two. Without -enable-swarm no SwarmLimiter exists
 * and cluster filters behave as Skipper's do without a swarm.
 */

/** One limit: at most `maxHits` requests per `windowMs` for each key of `group`. */
export interface LimitSettings {
  /** The group name all instances share (clusterRatelimit's first argument). */
  readonly group: string;
  readonly maxHits: number;
  readonly windowMs: number;
}

/** The answer for one request. */
export interface Decision {
  readonly allowed: boolean;
  /** When a refused client may try again (Retry-After), 0 when allowed. */
  readonly retryAfterMs: number;
  /** Which path decided: the shared store, a fallback while the store is away, or fail-closed refusal. */
  readonly source: 'store' | 'gossip' | 'fallback' | 'fail-closed';
}

/** Swarm-wide counting: one decision per request, counted across every live instance. */
export interface SwarmLimiter {
  /**
   * Counts one request for `key` (the client identity or '' for a group-wide limit) and decides it.
   * `failClosed`: when the shared state is unreachable, refuse instead of falling back.
   */
  allow(limit: LimitSettings, key: string, failClosed: boolean): Promise<Decision>;
  /** Hits counted in the current window for `key`, across the swarm (for X-Rate-Limit and tests). */
  count?(limit: LimitSettings, key: string): Promise<number>;
}

/** A leaky bucket (clusterLeakyBucketRatelimit): `capacity` units, one unit leaks every `emissionMs`. */
export interface LeakyBucketSettings {
  readonly capacity: number;
  readonly emissionMs: number;
}

/** Swarm-wide leaky buckets, with Skipper's semantics: an increment is added whole or refused. */
export interface SwarmLeakyBucket {
  /**
   * Adds `increment` units to the bucket `label` if they fit; refused with the time until they would fit.
   * An increment above the capacity never fits (refused, retryAfterMs 0). `failClosed` as for SwarmLimiter.
   */
  add(bucket: LeakyBucketSettings, label: string, increment: number, failClosed: boolean): Promise<Decision>;
}
