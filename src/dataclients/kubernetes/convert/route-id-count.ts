/** Route ids counted as the incremental converter's pieces come and go, so duplicates are known without a pass. */
import type { RouteDef } from '../../../eskip/index.ts';

export class RouteIdCount {
  readonly #count = new Map<string, number>();
  readonly #duplicates = new Set<string>();

  /** Counts `routes` in (`1`) or out (`-1`). */
  add(routes: readonly RouteDef[], d: 1 | -1): void {
    for (const r of routes) {
      const n = (this.#count.get(r.id) ?? 0) + d;
      if (n === 0) this.#count.delete(r.id);
      else this.#count.set(r.id, n);
      if (n > 1) this.#duplicates.add(r.id);
      else this.#duplicates.delete(r.id);
    }
  }

  /** True while some id is counted more than once. */
  get hasDuplicates(): boolean {
    return this.#duplicates.size > 0;
  }
}
