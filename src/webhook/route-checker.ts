/** The webhook's RouteChecker over the proxy's compiler: a throw-away table, released at once. */
import { compileRoutes, type CompileOptions } from '../routing/compile.ts';
import type { RouteChecker } from './object-validators.ts';

/** Compiles with the given registries; filter instances made on the way are closed before returning. */
export function routeChecker(opts: CompileOptions): RouteChecker {
  return (defs) => {
    const table = compileRoutes(defs, { ...opts, previous: undefined, generation: 0 });
    const invalid = table.invalid;
    table.release();
    return invalid;
  };
}
