/**
 * Sharing of matchers between routes. The matchers of the specs wrapped here keep no state, so every route
 * with the same arguments can use one instance: with thousands of routes per hostname or method this is
 * most of a route table's memory.
 */
import type { Arg } from '../eskip/index.ts';
import type { PredicateMatcher } from '../routing/types.ts';
import type { CreationCache } from '../routing/creation-cache.ts';

// Bounded so that a long-running process with churning routes does not keep every argument list it saw.
const limit = 50_000;

/** A matcher, and the last compile that handed it out (CreationCache.epoch). */
interface Entry {
  readonly m: PredicateMatcher;
  epoch: number;
}

/** Wraps a create function so that equal argument lists return the same matcher. */
export function shared(create: (args: Arg[]) => PredicateMatcher): (args: Arg[], cache?: CreationCache) => PredicateMatcher {
  // Most predicates take one string, which keys its own map; other argument lists are keyed by their JSON.
  // Kept across compiles (bounded): data clients that build calls in code give equal calls equal, not
  // identical, argument lists.
  const byString = new Map<string, Entry>();
  const byJson = new Map<string, Entry>();
  return (args, cache) => {
    // The parser gives equal calls one frozen argument list: found by identity in the compile's cache.
    const frozen = cache !== undefined && Object.isFrozen(args);
    if (frozen) {
      const hit = cache.get(create, args);
      if (hit !== undefined) return hit as PredicateMatcher;
    }
    const single = args.length === 1 && typeof args[0] === 'string';
    const map = single ? byString : byJson;
    const key = single ? (args[0] as string) : JSON.stringify(args);
    let e = map.get(key);
    if (e === undefined) {
      e = { m: create(args), epoch: 0 };
      if (map.size >= limit) map.clear();
      map.set(key, e);
    }
    if (cache !== undefined) {
      // Handed out before in this compile under an equal argument list: a repeat as well.
      if (e.epoch === cache.epoch) cache.repeats++;
      else e.epoch = cache.epoch;
      if (frozen) cache.set(create, args, e.m);
    }
    return e.m;
  };
}
