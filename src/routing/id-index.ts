/**
 * Compiled routes by id, for the next generation's compile (reconcile.ts). Spread over many maps by a hash
 * of the id's last characters: one map of a million ids rehashes all of them each time it grows, which
 * blocked the event loop for tens of milliseconds in one step of a sliced compile.
 */
import type { RouteEntry } from './route-entry.ts';

const shardBits = 6;
const shardMask = (1 << shardBits) - 1;

export class IdIndex {
  readonly #shards: Map<string, RouteEntry>[] = Array.from({ length: shardMask + 1 }, () => new Map());

  get(id: string): RouteEntry | undefined {
    return this.#shards[shardOf(id)]!.get(id);
  }

  set(id: string, e: RouteEntry): void {
    this.#shards[shardOf(id)]!.set(id, e);
  }

  delete(id: string): void {
    this.#shards[shardOf(id)]!.delete(id);
  }
}

/** Ids differ mostly at the end (generated names, counters). */
function shardOf(id: string): number {
  const n = id.length;
  if (n === 0) return 0;
  return ((id.charCodeAt(n - 1) * 31 + (n > 1 ? id.charCodeAt(n - 2) : 0)) * 31 + n) & shardMask;
}
