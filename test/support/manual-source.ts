import type { RouteDef } from '../../src/eskip/ast.ts';
import type { RouteSource, RouteSourceUpdate } from '../../src/dataclients/types.ts';

/** A route source driven by the test: `first` at start, then whatever `push` hands on. */
export function manualSource(name: string, first: RouteDef[]): RouteSource & { push(u: RouteSourceUpdate): void } {
  let push: (u: RouteSourceUpdate) => void = () => {};
  return {
    name,
    async start(onUpdate) {
      push = onUpdate;
      onUpdate({ routes: first });
    },
    async stop() {},
    push: (u) => push(u),
  };
}
