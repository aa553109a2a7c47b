/**
 * Compiled routes by id, for the next generation's compile (reconcile.ts) and a full compile's check for
 * duplicate ids. Open addressing with linear probing: per slot an int32 hash of the id in a typed array and
 * the entry in a parallel list, so a lookup of an id that is not there reads one slot of the typed array and
 * touches no entry (a Map lookup of a new id at a million routes followed a bucket and a chain of entries:
 * 14 % of a full compile's CPU, the get and set of every id). Spread over many tables by the hash, each
 * growing on its own: one table of a million ids rehashes all of them when it grows, which blocked the event
 * loop for tens of milliseconds in one step of a sliced compile.
 */
import type { RouteEntry } from './route-entry.ts';

const shardBits = 6;
const shardMask = (1 << shardBits) - 1;
const firstCapacity = 64;

/** One table: `hashes[k]` 0 is a free slot, otherwise the hash of `entries[k]`'s id. */
interface Shard {
  hashes: Int32Array;
  entries: (RouteEntry | undefined)[];
  mask: number;
  size: number;
}

function newShard(capacity: number): Shard {
  return { hashes: new Int32Array(capacity), entries: new Array<RouteEntry | undefined>(capacity).fill(undefined), mask: capacity - 1, size: 0 };
}

export class IdIndex {
  readonly #shards: Shard[];
  // The hash of the id asked last: reconcile sets the id it has just looked up.
  #lastId = '';
  #lastHash = hashOf('');

  // Not presized: 64 tables sized for a million ids are 2M slots, 85–140 ms to allocate in one step, while
  // tables that grow on their own double at different moments (≈ 2 ms each at a million ids).
  constructor() {
    this.#shards = Array.from({ length: shardMask + 1 }, () => newShard(firstCapacity));
  }

  get(id: string): RouteEntry | undefined {
    const h = this.#hash(id);
    const s = this.#shards[h & shardMask]!;
    const { hashes, entries, mask } = s;
    for (let k = (h >>> shardBits) & mask; ; k = (k + 1) & mask) {
      const x = hashes[k]!;
      if (x === 0) return undefined;
      if (x === h && entries[k]!.route.id === id) return entries[k];
    }
  }

  set(id: string, e: RouteEntry): void {
    const h = this.#hash(id);
    let s = this.#shards[h & shardMask]!;
    if (2 * (s.size + 1) > s.hashes.length) s = this.#grow(h & shardMask);
    const { hashes, entries, mask } = s;
    for (let k = (h >>> shardBits) & mask; ; k = (k + 1) & mask) {
      const x = hashes[k]!;
      if (x === 0) {
        hashes[k] = h;
        entries[k] = e;
        s.size++;
        return;
      }
      if (x === h && entries[k]!.route.id === id) {
        entries[k] = e;
        return;
      }
    }
  }

  delete(id: string): void {
    const h = this.#hash(id);
    const s = this.#shards[h & shardMask]!;
    const { hashes, entries, mask } = s;
    let i = (h >>> shardBits) & mask;
    for (; ; i = (i + 1) & mask) {
      const x = hashes[i]!;
      if (x === 0) return;
      if (x === h && entries[i]!.route.id === id) break;
    }
    // Backward-shift deletion: later slots of the probe run move into the hole unless their home slot lies
    // cyclically in (hole, slot], so every remaining id stays reachable from its home without tombstones.
    s.size--;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const x = hashes[j]!;
      if (x === 0) break;
      const home = (x >>> shardBits) & mask;
      if (i <= j ? i < home && home <= j : i < home || home <= j) continue;
      hashes[i] = x;
      entries[i] = entries[j];
      i = j;
    }
    hashes[i] = 0;
    entries[i] = undefined;
  }

  /** Ids kept (for tests). */
  get size(): number {
    let n = 0;
    for (const s of this.#shards) n += s.size;
    return n;
  }

  #hash(id: string): number {
    if (id === this.#lastId) return this.#lastHash;
    const h = hashOf(id);
    this.#lastId = id;
    this.#lastHash = h;
    return h;
  }

  #grow(at: number): Shard {
    const old = this.#shards[at]!;
    const s = newShard(2 * old.hashes.length);
    for (let k = 0; k < old.hashes.length; k++) {
      const h = old.hashes[k]!;
      if (h === 0) continue;
      let j = (h >>> shardBits) & s.mask;
      while (s.hashes[j] !== 0) j = (j + 1) & s.mask;
      s.hashes[j] = h;
      s.entries[j] = old.entries[k];
    }
    s.size = old.size;
    this.#shards[at] = s;
    return s;
  }
}

/** FNV-1a over the id's characters, never 0 (a free slot): ids differ mostly at the end (counters). */
function hashOf(id: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  return h === 0 ? 1 : h;
}
