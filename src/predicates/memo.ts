/**
 * Sharing of matchers between routes. The matchers of the specs wrapped here keep no state, so every route
 * with the same arguments can use one instance: with thousands of routes per hostname or method this is
 * most of a route table's memory.
 */
import type { Arg } from '../eskip/ast.ts';
import type { PredicateMatcher } from '../routing/types.ts';

// Bounded so that a long-running process with churning routes does not keep every argument list it saw.
const limit = 50_000;

/** Wraps a create function so that equal argument lists return the same matcher. */
export function shared(create: (args: Arg[]) => PredicateMatcher): (args: Arg[]) => PredicateMatcher {
  const cache = new Map<string, PredicateMatcher>();
  return (args) => {
    // Most predicates take one string: key it directly, saving a JSON string per route.
    const key = args.length === 1 && typeof args[0] === 'string' ? 's' + args[0] : JSON.stringify(args);
    let m = cache.get(key);
    if (m === undefined) {
      m = create(args);
      if (cache.size >= limit) cache.clear();
      cache.set(key, m);
    }
    return m;
  };
}
