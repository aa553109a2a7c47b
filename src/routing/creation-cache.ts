/**
 * The creation cache of one compile: matchers and filter instances of the specs that keep no per-route
 * state (src/predicates/memo.ts, src/filters/memo.ts), found by the identity of their frozen argument list
 * (the eskip parser gives equal calls one frozen list), so a million routes repeating a few thousand calls
 * create a few thousand instances.
 *
 * It lives for one compile only: a routes file's many calls that occur once (a per-route header value)
 * must not leave an entry per route behind, and a process-wide weak map of a million entries cost ≈ 20 B per
 * route and, growing, blocked the event loop for hundreds of milliseconds at a time (one rehash of
 * everything). For the same reason the entries are spread over many small maps by a hash of the last
 * argument's text: none of them grows large enough for its rehash to be felt. Each is an open-addressing
 * table over an Int32Array of hashes: a list seen for the first time (most of them, at a million routes)
 * reads one typed slot instead of a Map's bucket and chain; with Maps, get and set were a fifth of a full
 * compile's CPU at a million routes.
 *
 * It also tells the compiler which instances were handed out more than once (`repeats`): only lists made
 * of such instances are worth sharing between routes (compiled-route.ts), so routes whose list holds an
 * instance of their own add nothing to the list trie.
 */
import type { Arg } from '../eskip/index.ts';

const shardBits = 8;
const shardMask = (1 << shardBits) - 1;
/** How many tables the entries are spread over. */
export const shardCount = shardMask + 1;
const firstCapacity = 32;

let epochs = 0;

/**
 * One open-addressing table: per slot the hash and the owner's number (`slots[2k]`, `slots[2k+1]`; hash 0
 * is a free slot), the argument list and the instance.
 */
interface Shard {
  slots: Int32Array;
  keys: (readonly Arg[] | undefined)[];
  values: (object | undefined)[];
  mask: number;
  size: number;
}

function newShard(capacity: number): Shard {
  return { slots: new Int32Array(2 * capacity), keys: new Array<undefined>(capacity).fill(undefined), values: new Array<undefined>(capacity).fill(undefined),
    mask: capacity - 1, size: 0 };
}

export class CreationCache {
  /** Counts hand-outs of an instance already handed out in this compile; callers compare it before and after. */
  repeats = 0;
  /** Distinguishes this compile's hand-outs in caches that outlive it (see memo.ts of the predicates). */
  readonly epoch = ++epochs;
  // Owners (specs) by number, 1, 2, …: a few dozen.
  readonly #owners = new Map<object, number>();
  readonly #shards: (Shard | undefined)[] = new Array<undefined>(shardCount).fill(undefined);
  // The list asked last and its hash: a get that misses is followed by a set of the same list.
  #lastArgs: readonly Arg[] | null = null;
  #lastHash = 0;

  /**
   * The instance made for `owner` and `args` (a frozen list) earlier in this compile, counted as a repeat;
   * otherwise undefined, and the caller stores what it makes.
   */
  get(owner: object, args: Arg[]): object | undefined {
    const o = this.#owners.get(owner);
    if (o === undefined) return undefined;
    const h = this.#hash(args);
    const s = this.#shards[h & shardMask];
    if (s === undefined) return undefined;
    const { slots, keys, mask } = s;
    for (let k = (h >>> shardBits) & mask; ; k = (k + 1) & mask) {
      const x = slots[2 * k]!;
      if (x === 0) return undefined;
      if (x === h && keys[k] === args && slots[2 * k + 1] === o) {
        this.repeats++;
        return s.values[k];
      }
    }
  }

  set(owner: object, args: Arg[], x: object): void {
    let o = this.#owners.get(owner);
    if (o === undefined) this.#owners.set(owner, (o = this.#owners.size + 1));
    const h = this.#hash(args);
    const at = h & shardMask;
    let s = this.#shards[at] ?? (this.#shards[at] = newShard(firstCapacity));
    if (2 * (s.size + 1) > s.keys.length) s = this.#grow(at, s);
    const { slots, keys, mask } = s;
    for (let k = (h >>> shardBits) & mask; ; k = (k + 1) & mask) {
      const y = slots[2 * k]!;
      if (y === 0) {
        slots[2 * k] = h;
        slots[2 * k + 1] = o;
        keys[k] = args;
        s.values[k] = x;
        s.size++;
        return;
      }
      if (y === h && keys[k] === args && slots[2 * k + 1] === o) {
        s.values[k] = x;
        return;
      }
    }
  }

  #hash(args: readonly Arg[]): number {
    if (args === this.#lastArgs) return this.#lastHash;
    const h = hashArgs(args);
    this.#lastArgs = args;
    this.#lastHash = h;
    return h;
  }

  #grow(at: number, old: Shard): Shard {
    const s = newShard(2 * old.keys.length);
    for (let k = 0; k < old.keys.length; k++) {
      const h = old.slots[2 * k]!;
      if (h === 0) continue;
      let j = (h >>> shardBits) & s.mask;
      while (s.slots[2 * j] !== 0) j = (j + 1) & s.mask;
      s.slots[2 * j] = h;
      s.slots[2 * j + 1] = old.slots[2 * k + 1]!;
      s.keys[j] = old.keys[k];
      s.values[j] = old.values[k];
    }
    s.size = old.size;
    this.#shards[at] = s;
    return s;
  }
}

/**
 * A hash of all of the last argument's characters, never 0: calls that differ do so mostly at the end, but
 * per-route values differ in their last few digits only ("r123456"), and hashing two characters and the
 * length put 90 % of a million such values into 100 of the 256 shards (each table then grew 2.5× larger).
 * Lists are told apart by identity; the hash only spreads them.
 */
function hashArgs(args: readonly Arg[]): number {
  if (args.length === 0) return 1;
  const a = args[args.length - 1]!;
  let h: number;
  if (typeof a === 'number') h = Math.imul((a | 0) ^ args.length, 0x9e3779b1);
  else {
    h = a.length;
    for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}

/** The shard of `args` (for tests: how evenly per-route values spread). */
export function shardOf(args: readonly Arg[]): number {
  return hashArgs(args) & shardMask;
}
