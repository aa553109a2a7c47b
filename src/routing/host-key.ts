/**
 * The route table's host index key, shared with the host predicates that declare their keys, and the hash
 * table the hostname indexes keep their lists in.
 */

/**
 * The index key of a Host header value: the value without a `:digits` port and one trailing dot. Any host
 * a literal pattern accepts has its literal as key, so routes under other keys can be skipped unseen.
 */
export function hostKey(host: string): string {
  let end = host.length;
  let i = end - 1;
  while (i >= 0 && host.charCodeAt(i) >= 48 && host.charCodeAt(i) <= 57) i--;
  if (i >= 0 && i < end - 1 && host.charCodeAt(i) === 58) end = i;
  if (end > 0 && host.charCodeAt(end - 1) === 46) end--;
  return end === host.length ? host : host.slice(0, end);
}

/**
 * The hash of a host index key that HostTable uses: FNV-1a over its UTF-16 code units, 31 bits (a small
 * integer to V8). A lookup computes it once and every hostname index it consults uses it.
 */
export function hostHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 1;
}

/**
 * A hash table from host index keys to values, for the hostname indexes of the path tree's leaves: open
 * addressing with linear probing over one array of (hash, key, value) triples, at most half full. A probe
 * reads one slot, whose stored hash rules out other keys without reading their strings; a Map reads its
 * bucket, then its entry, then each chained key's string. At a million routes each of those reads is a
 * cache miss, and a lookup makes one per leaf it consults. Filled once (`insert`), then only read.
 */
export class HostTable<V> {
  /** The triples; a holder may keep this and `mask` and look keys up with slotsGet (one object less to read). */
  readonly slots: readonly unknown[];
  readonly mask: number;
  #size = 0;

  /** A table with room for `n` keys. */
  constructor(n: number) {
    let cap = 4;
    while (cap < 2 * n) cap *= 2;
    this.slots = new Array<unknown>(3 * cap).fill(undefined);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** The value of `key`, whose hostHash is `hash`. */
  get(key: string, hash: number): V | undefined {
    return slotsGet(this.slots, this.mask, key, hash) as V | undefined;
  }

  /** Adds `key` (not yet in the table, and at most as many keys as the table was made for). */
  insert(key: string, hash: number, value: V): void {
    const s = this.slots as unknown[];
    const mask = this.mask;
    let i = hash & mask;
    while (s[3 * i + 1] !== undefined) i = (i + 1) & mask;
    s[3 * i] = hash;
    s[3 * i + 1] = key;
    s[3 * i + 2] = value;
    this.#size++;
  }

  /** Calls `f` for every key. */
  forEach(f: (key: string, hash: number, value: V) => void): void {
    const s = this.slots;
    for (let i = 0; i < s.length; i += 3) if (s[i + 1] !== undefined) f(s[i + 1] as string, s[i] as number, s[i + 2] as V);
  }
}

/** HostTable.get over a table's `slots` and `mask`. */
export function slotsGet(slots: readonly unknown[], mask: number, key: string, hash: number): unknown {
  for (let i = hash & mask; ; i = (i + 1) & mask) {
    const k = slots[3 * i + 1];
    if (k === undefined) return undefined;
    if (slots[3 * i] === hash && k === key) return slots[3 * i + 2];
  }
}
