/**
 * What a parse keeps once: strings, predicate and filter calls, LB endpoints and endpoint lists. A million
 * routes repeat a few thousand calls; equal calls are one frozen object (which also lets route compilation
 * share what it creates from them). One parse makes its own tables; a document parsed in pieces (a routes
 * file in chunks, eskip-chunks.ts) passes the same tables to every piece, so sharing spans the document.
 */
import type { Arg, LBEndpoint, PredicateCall } from './ast.ts';
import { copyOf } from './copy-of.ts';
import { HashIndex, pow2 } from './hash-index.ts';
import { StringTable } from './strings.ts';

/** Folds the hash of one more part (an argument, an endpoint) into a key's hash; never 0 (a free slot). */
export function combine(h: number, part: number): number {
  h = Math.imul(h ^ part, 0x9e3779b1);
  h ^= h >>> 15;
  return h === 0 ? 1 : h;
}

/** A hash of a number argument: equal numbers hash alike. */
export function hashNumber(x: number): number {
  return Math.imul(x | 0, 0x85ebca6b) ^ ((x * 4096) | 0) ^ 0x5bd1e995;
}

/** A parsed LB endpoint URL: its scheme (endpoints of one backend may not mix them) and the endpoint. */
export interface ParsedEndpoint {
  scheme: string;
  endpoint: LBEndpoint;
}

/**
 * Values by a hash of their parts (a HashIndex over a list), with a direct-mapped front of the ones found
 * last. The caller probes (it knows how to compare its parts) and adds.
 */
class Slots<T> {
  readonly index: HashIndex;
  readonly values: T[] = [];
  readonly frontHashes: Int32Array;
  readonly frontValues: (T | null)[];
  readonly frontMask: number;

  /** `expected`: about how many values will be kept. */
  constructor(expected: number) {
    this.index = new HashIndex(expected);
    const front = pow2(expected, 16, 4096);
    this.frontHashes = new Int32Array(front);
    this.frontValues = new Array<T | null>(front).fill(null);
    this.frontMask = front - 1;
  }

  /** Stores `v` under `h`, right after a probe for `h` found no equal value. */
  add(h: number, v: T): void {
    this.index.add(h, this.values.length);
    this.values.push(v);
    this.frontHashes[h & this.frontMask] = h;
    this.frontValues[h & this.frontMask] = v;
  }
}

function sameCall(c: PredicateCall, name: string, args: readonly Arg[], n: number): boolean {
  // Strings come from one StringTable: equal strings are the same string, so === compares pointers.
  if (c.name !== name || c.args.length !== n) return false;
  for (let i = 0; i < n; i++) if (c.args[i] !== args[i]) return false;
  return true;
}

export class ParseTables {
  /** Names and literals by their text (the lexer's). */
  readonly strings: StringTable;
  readonly #calls: Slots<PredicateCall>;
  readonly #endpoints = new Map<string, ParsedEndpoint | null>();
  readonly #lists: Slots<{ algorithm: string; texts: string[] | null; list: LBEndpoint[] }>;

  /**
   * `chars`: about how long the text to parse is, for the first size of the tables (a routes file of a
   * million routes keeps a few million strings and calls; an annotation a handful).
   */
  constructor(chars = 0, keep = true) {
    // About one new string and one new call per 300 characters in route files (per-route values); a table
    // that fills up grows (one step that rehashes it, which a sliced parse cannot split).
    this.#keep = keep;
    this.strings = new StringTable(keep ? chars / 300 : 0, keep);
    this.#calls = new Slots(keep ? chars / 300 : 0);
    this.#lists = new Slots(keep ? chars / 2000 : 0);
  }

  /**
   * Tables for a parse whose routes are dropped as soon as they are made (`skipjack-eskip check`): nothing is
   * kept or shared, every call and list is made afresh (and left unfrozen: nobody holds it).
   */
  static discarding(): ParseTables {
    return new ParseTables(0, false);
  }

  readonly #keep: boolean;

  /**
   * The call `name(args…)`, created when new; `h` is the hash of the name and the arguments (combine()
   * over Lexer.hash and hashNumber). `args` (its first `n`) is the parser's scratch list and is copied.
   */
  call(name: string, args: readonly Arg[], n: number, h: number): PredicateCall {
    if (!this.#keep) return { name, args: copyOf(args, n) };
    const t = this.#calls;
    const f = h & t.frontMask;
    if (t.frontHashes[f] === h) {
      const c = t.frontValues[f]!;
      if (sameCall(c, name, args, n)) return c;
    }
    const index = t.index;
    for (let p = index.first(h); p !== -1; p = index.next(h)) {
      const c = t.values[p]!;
      if (sameCall(c, name, args, n)) {
        t.frontHashes[f] = h;
        t.frontValues[f] = c;
        return c;
      }
    }
    const c: PredicateCall = Object.freeze({ name, args: Object.freeze(copyOf(args, n)) as Arg[] });
    t.add(h, c);
    return c;
  }

  /** The endpoint URL `text` parsed (null: not a URL); `?zone=z` moves into the zone field as Skipper's parser does. */
  endpoint(text: string): ParsedEndpoint | null {
    let ep = this.#endpoints.get(text);
    if (ep === undefined) {
      ep = parseEndpoint(text);
      if (ep !== null && ep.endpoint.zone !== undefined) {
        const { address, zone } = ep.endpoint;
        ep = { scheme: ep.scheme, endpoint: { address: this.strings.intern(address), zone: this.strings.intern(zone) } };
      }
      if (ep !== null) Object.freeze(ep.endpoint);
      // Discarding, the parsed URLs are a cache only, bounded (a million routes may name a million endpoints).
      if (!this.#keep && this.#endpoints.size >= 4096) this.#endpoints.clear();
      this.#endpoints.set(text, ep);
    }
    return ep;
  }

  /**
   * The frozen endpoint list of `algorithm` and the endpoint URLs `texts` (its first `n`), when a list of
   * them was made before (null: not yet, or nothing is kept); `h` is the hash of the algorithm and the texts.
   */
  knownEndpointList(algorithm: string, texts: readonly string[], n: number, h: number): LBEndpoint[] | null {
    if (!this.#keep) return null;
    const t = this.#lists;
    const index = t.index;
    for (let p = index.first(h); p !== -1; p = index.next(h)) {
      const e = t.values[p]!;
      if (e.algorithm === algorithm && (e.texts === null ? sameAddresses(e.list, texts, n) : sameTexts(e.texts, texts, n))) return e.list;
    }
    return null;
  }

  /**
   * The frozen endpoint list of `algorithm` and `texts`, made from `endpoints` (endpoint() of each text) when
   * knownEndpointList has none: routes of one service share one list. The arguments are the parser's
   * scratch lists and are copied.
   */
  endpointList(algorithm: string, texts: readonly string[], endpoints: readonly LBEndpoint[], n: number, h: number): LBEndpoint[] {
    if (!this.#keep) return copyOf(endpoints, n);
    const known = this.knownEndpointList(algorithm, texts, n, h);
    if (known !== null) return known;
    const list = Object.freeze(copyOf(endpoints, n)) as LBEndpoint[];
    // The texts are kept only when they differ from the addresses (a `?zone=` moved out): nearly never.
    this.#lists.add(h, { algorithm, texts: sameAddresses(list, texts, n) ? null : copyOf(texts, n), list });
    return list;
  }
}

function sameAddresses(list: readonly LBEndpoint[], texts: readonly string[], n: number): boolean {
  if (list.length !== n) return false;
  for (let i = 0; i < n; i++) if (list[i]!.address !== texts[i]) return false;
  return true;
}

function sameTexts(a: readonly string[], b: readonly string[], n: number): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseEndpoint(s: string): ParsedEndpoint | null {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  const scheme = u.protocol.slice(0, -1);
  const q = s.indexOf('?');
  if (q < 0) return { scheme, endpoint: { address: s } };
  const params = new URLSearchParams(s.slice(q + 1));
  const zone = params.get('zone');
  if (zone === null) return { scheme, endpoint: { address: s } };
  params.delete('zone');
  const rest = params.toString();
  return { scheme, endpoint: { address: s.slice(0, q) + (rest === '' ? '' : `?${rest}`), zone } };
}
