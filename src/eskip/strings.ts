/**
 * Interned strings, looked up by a range of the source text: the lexer hashes a name or a literal while it
 * scans it and finds the string kept for those characters without slicing the source, so a token that
 * repeats (a filter name, a host regexp, a header name) costs no allocation, and equal values are one string
 * whose hash V8 has already computed (the parser's Map lookups on them do not hash again).
 *
 * The strings sit in a list in the order they were met; a HashIndex finds them by hash (a stored hash is
 * never 0), so probing compares integers only. The empty string is returned, never stored.
 */
import { HashIndex, pow2 } from './hash-index.ts';

/** The hash the lexer computes character by character: `h = h * 31 + c` (int32), finished by mix(). */
export function step(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

/** Spreads a polynomial hash over all bits: sequential ids ("r1", "r2", …) would otherwise cluster. */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}

/** step() over all of `s`. */
export function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = step(h, s.charCodeAt(i));
  return h;
}

/**
 * A copy of `s` that does not keep a larger string alive: V8 makes a slice of 13 or more characters a view
 * into its parent (so a route table would hold the whole routes file); shorter slices are copies already.
 */
export function own(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** Whether src[start, start + s.length) is s: a loop for short strings (no builtin call), memcmp for long ones. */
function same(src: string, start: number, s: string): boolean {
  const n = s.length;
  if (n > 24) return src.startsWith(s, start);
  for (let i = 0; i < n; i++) if (src.charCodeAt(start + i) !== s.charCodeAt(i)) return false;
  return true;
}

export class StringTable {
  /**
   * The strings found last, by hash (direct-mapped): names and common literals are found here. The table
   * itself grows with every unique string (route ids, per-route header values) to millions of slots, and a
   * lookup there costs cache misses.
   */
  readonly #frontHashes: Int32Array;
  readonly #frontKeys: string[];
  readonly #frontMask: number;
  readonly #index: HashIndex;
  /** The strings kept, in the order they were first met (positions in #index). */
  readonly #keys: string[] = [];

  /**
   * Whether strings are kept: false for a parse whose results are dropped as they are made (a check), which
   * then costs neither the table's memory nor its cache misses (a million routes hold millions of strings
   * of their own); every slice is then a new string and equal values need not be one string.
   */
  readonly #keep: boolean;

  /** `expected`: about how many strings will be kept (the index starts at twice that, within bounds, and grows). */
  constructor(expected = 64, keep = true) {
    this.#keep = keep;
    this.#index = new HashIndex(keep ? expected : 0);
    // Small enough to stay in the CPU cache.
    const front = pow2(expected, 16, 4096);
    this.#frontHashes = new Int32Array(front);
    this.#frontKeys = new Array<string>(front).fill('');
    this.#frontMask = front - 1;
  }

  /** The mix()ed hash of the string the last slice() or intern() returned: the same for equal strings. */
  lastHash = 1;

  /** Strings kept. */
  get size(): number {
    return this.#keys.length;
  }

  /** Slots the index visited (a work counter, see HashIndex.probes). */
  get probes(): number {
    return this.#index.probes;
  }

  /** The kept string equal to src[start, end), whose step() hash is `h`; kept (as an own copy) when new. */
  slice(src: string, start: number, end: number, h: number): string {
    const len = end - start;
    if (len === 0) return ((this.lastHash = 1), '');
    const m = mix(h);
    this.lastHash = m;
    if (!this.#keep) return src.slice(start, end);
    const f = m & this.#frontMask;
    if (this.#frontHashes[f] === m) {
      const s = this.#frontKeys[f]!;
      if (s.length === len && same(src, start, s)) return s;
    }
    const index = this.#index;
    const keys = this.#keys;
    for (let p = index.first(m); p !== -1; p = index.next(m)) {
      const s = keys[p]!;
      if (s.length === len && same(src, start, s)) {
        this.#frontHashes[f] = m;
        this.#frontKeys[f] = s;
        return s;
      }
    }
    const v = own(src.slice(start, end));
    index.add(m, keys.length);
    keys.push(v);
    this.#frontHashes[f] = m;
    this.#frontKeys[f] = v;
    return v;
  }

  /** The kept string equal to `s` (a decoded literal); `s` itself (as an own copy) when new. */
  intern(s: string): string {
    if (s.length === 0) return ((this.lastHash = 1), '');
    const m = mix(hashOf(s));
    this.lastHash = m;
    if (!this.#keep) return s;
    const index = this.#index;
    const keys = this.#keys;
    for (let p = index.first(m); p !== -1; p = index.next(m)) if (keys[p] === s) return keys[p]!;
    const v = own(s);
    index.add(m, keys.length);
    keys.push(v);
    return v;
  }
}
