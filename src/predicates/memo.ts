/**
 * Sharing of matchers between routes. The matchers of the specs wrapped here keep no state, so every route
 * with the same arguments can use one instance: with thousands of routes per hostname or method this is
 * most of a route table's memory.
 */
import type { Arg } from '../eskip/index.ts';
import type { PredicateMatcher } from '../routing/types.ts';

// Bounded so that a long-running process with churning routes does not keep every argument list it saw.
const limit = 50_000;

/** Wraps a create function so that equal argument lists return the same matcher. */
export function shared(create: (args: Arg[]) => PredicateMatcher): (args: Arg[]) => PredicateMatcher {
  // Most predicates take one string, which keys its own map; other argument lists are keyed by their JSON.
  const byString = new Map<string, PredicateMatcher>();
  const byJson = new Map<string, PredicateMatcher>();
  // The parser gives equal calls one frozen argument list: found by identity, no key to build.
  const byArgs = new WeakMap<Arg[], PredicateMatcher>();
  return (args) => {
    const frozen = Object.isFrozen(args);
    if (frozen) {
      const hit = byArgs.get(args);
      if (hit !== undefined) return hit;
    }
    const single = args.length === 1 && typeof args[0] === 'string';
    const cache = single ? byString : byJson;
    const key = single ? (args[0] as string) : JSON.stringify(args);
    let m = cache.get(key);
    if (m === undefined) {
      m = create(args);
      if (cache.size >= limit) cache.clear();
      cache.set(key, m);
    }
    if (frozen) byArgs.set(args, m);
    return m;
  };
}
