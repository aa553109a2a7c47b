/**
 * Sharing of filter instances between routes. The specs wrapped here create instances that keep no
 * per-route state and have no close(), so routes whose calls have one argument list can use one instance.
 * The eskip parser gives equal calls one frozen argument list, so a million parsed routes that repeat a few
 * thousand calls create a few thousand instances.
 */
import type { Arg } from '../eskip/index.ts';
import type { FilterInstance, FilterSpec } from '../routing/filter-contract.ts';

/** `spec` with create() answering the same instance for the same frozen argument list. */
export function stateless(spec: FilterSpec): FilterSpec {
  // Keyed by identity: nothing to bound, an entry goes when the routes holding its argument list go.
  const byArgs = new WeakMap<Arg[], FilterInstance>();
  return {
    name: spec.name,
    create(args: Arg[]): FilterInstance {
      // A list that is not frozen may be changed after this call; it gets an instance of its own.
      if (!Object.isFrozen(args)) return spec.create(args);
      let f = byArgs.get(args);
      if (f === undefined) byArgs.set(args, (f = spec.create(args)));
      return f;
    },
  };
}
