/**
 * Sharing of filter instances between routes. The specs wrapped here create instances that keep no
 * per-route state and have no close(), so routes whose calls have one argument list can use one instance.
 * The eskip parser gives equal calls one frozen argument list, so a million parsed routes that repeat a few
 * thousand calls create a few thousand instances. The instances are found in the compile's creation cache
 * (src/routing/creation-cache.ts): nothing is kept between compiles.
 */
import type { Arg } from '../eskip/index.ts';
import type { FilterInstance, FilterSpec } from '../routing/filter-contract.ts';
import type { CreationCache } from '../routing/creation-cache.ts';

/** `spec` with create() answering the same instance for the same frozen argument list within one compile. */
export function stateless(spec: FilterSpec): FilterSpec {
  const wrapped: FilterSpec = {
    name: spec.name,
    create(args: Arg[], cache?: CreationCache): FilterInstance {
      // A list that is not frozen may be changed after this call; it gets an instance of its own.
      if (cache === undefined || !Object.isFrozen(args)) return spec.create(args);
      let f = cache.get(wrapped, args) as FilterInstance | undefined;
      if (f === undefined) {
        f = spec.create(args);
        // Lists of such instances may be shared between routes: only an instance without close() qualifies.
        if (f.close === undefined) cache.set(wrapped, args, f);
      }
      return f;
    },
  };
  return wrapped;
}
