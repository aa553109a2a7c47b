/**
 * Client-side shard selection with Skipper's algorithm names (-swarm-redis-hash-algorithm):
 * `rendezvous` (highest random weight; go-redis's ring default, so Skipper's default), `rendezvousVnodes`
 * (rendezvous over 100 virtual nodes per shard), `jump` (Lamping & Veach jump consistent hash) and `mpchash`
 * (multi-probe consistent hashing, 21 probes). Semantics follow Skipper's net/redisclient.go; the hash
 * functions differ (no xxhash/siphash here), so a key may live on another shard than in a Skipper fleet —
 * the two never share keys anyway, their key formats differ.
 * `jump` maps a key to a position in the shard list, so it keeps the list's order (instances agree because they
 * get the same list: the same flag, the route server's sorted answer, the sorted Kubernetes endpoints) and
 * moves only the keys of a shard appended at the end; Skipper's ring feeds it Go map order. The other three
 * do not depend on the order.
 */

export type HashAlgorithm = 'rendezvous' | 'rendezvousVnodes' | 'jump' | 'mpchash';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['rendezvous', 'rendezvousVnodes', 'jump', 'mpchash'];

/** Maps a key to one of a fixed set of shards. */
export interface ConsistentHash {
  /** The shard name for `key`; undefined only when there are no shards. */
  get(key: string): string | undefined;
}

/** MurmurHash3 (x86, 32 bit) over UTF-16 code units: fast with Math.imul and well mixed. */
export function hash32(s: string, seed = 0): number {
  let h = seed >>> 0;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = (s.charCodeAt(i) & 0xffff) | ((s.charCodeAt(i + 1) & 0xffff) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = s.charCodeAt(i) & 0xffff;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n * 2;
  return fmix32(h);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

class Rendezvous implements ConsistentHash {
  private readonly nodes: readonly string[];
  private readonly nodeHashes: Uint32Array;
  constructor(nodes: readonly string[]) {
    this.nodes = nodes;
    this.nodeHashes = Uint32Array.from(nodes, (n) => hash32(n));
  }
  /** Index of the node with the highest weight for `key`; ties go to the lower index. */
  index(key: string): number {
    const kh = hash32(key);
    let best = -1;
    let bestScore = -1;
    for (let i = 0; i < this.nodeHashes.length; i++) {
      const score = fmix32(kh ^ this.nodeHashes[i]!);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }
  get(key: string): string | undefined {
    return this.nodes[this.index(key)];
  }
}

const VNODES_PER_SHARD = 100;

class RendezvousVnodes implements ConsistentHash {
  private readonly inner: Rendezvous;
  private readonly owner: string[];
  constructor(shards: readonly string[]) {
    const vnodes: string[] = [];
    this.owner = [];
    for (let i = 0; i < VNODES_PER_SHARD; i++) {
      for (const s of shards) {
        vnodes.push(`${s}${i}`);
        this.owner.push(s);
      }
    }
    this.inner = new Rendezvous(vnodes);
  }
  get(key: string): string | undefined {
    return this.owner[this.inner.index(key)];
  }
}

const MASK64 = (1n << 64n) - 1n;

class Jump implements ConsistentHash {
  private readonly shards: readonly string[];
  constructor(shards: readonly string[]) {
    this.shards = shards;
  }
  get(key: string): string | undefined {
    const n = this.shards.length;
    if (n <= 1) return this.shards[0];
    // Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014), on a 64-bit key.
    let k = (BigInt(hash32(key)) << 32n) | BigInt(hash32(key, 0x9747b28c));
    let b = -1;
    let j = 0;
    while (j < n) {
      b = j;
      k = (k * 2862933555777941757n + 1n) & MASK64;
      j = Math.floor((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
    }
    return this.shards[b];
  }
}

const MPC_PROBES = 21;

class MultiProbe implements ConsistentHash {
  private readonly points: Uint32Array;
  private readonly owner = new Map<number, string>();
  constructor(shards: readonly string[]) {
    const pts = shards.map((s) => hash32(s));
    shards.forEach((s, i) => this.owner.set(pts[i]!, s));
    this.points = Uint32Array.from(pts).sort();
  }
  get(key: string): string | undefined {
    const pts = this.points;
    if (pts.length <= 1) return this.owner.get(pts[0]!);
    // Appleton & O'Reilly, "Multi-probe consistent hashing" (2015): the key's probe closest before a point wins.
    const h1 = hash32(key, 1);
    const h2 = hash32(key, 2);
    let minDist = Infinity;
    let min = pts[0]!;
    for (let i = 0; i < MPC_PROBES; i++) {
      const probe = (h1 + Math.imul(i, h2)) >>> 0;
      let lo = 0;
      let hi = pts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pts[mid]! >= probe) hi = mid;
        else lo = mid + 1;
      }
      const at = lo === pts.length ? 0 : lo;
      const dist = (pts[at]! - probe) >>> 0;
      if (dist < minDist) {
        minDist = dist;
        min = pts[at]!;
      }
    }
    return this.owner.get(min);
  }
}

/** Parses a -swarm-redis-hash-algorithm value; '' is the default (rendezvous, as go-redis's ring). */
export function parseHashAlgorithm(name: string): HashAlgorithm {
  if (name === '') return 'rendezvous';
  if ((HASH_ALGORITHMS as readonly string[]).includes(name)) return name as HashAlgorithm;
  throw new Error(`unknown Redis hash algorithm "${name}" (one of ${HASH_ALGORITHMS.join(', ')})`);
}

/** A ConsistentHash over `shards` (deduplicated, in the given order). */
export function consistentHash(algorithm: HashAlgorithm, shards: readonly string[]): ConsistentHash {
  const list = [...new Set(shards)];
  // One shard or none: nothing to choose, and the common single-Redis setup pays no hashing.
  if (list.length <= 1) return { get: () => list[0] };
  switch (algorithm) {
    case 'rendezvous':
      return new Rendezvous(list);
    case 'rendezvousVnodes':
      return new RendezvousVnodes(list);
    case 'jump':
      return new Jump(list);
    case 'mpchash':
      return new MultiProbe(list);
  }
}
