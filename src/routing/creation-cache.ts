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
 * argument's text: none of them grows large enough for its rehash to be felt.
 *
 * It also tells the compiler which instances were handed out more than once (`repeats`): only lists made
 * of such instances are worth sharing between routes (compiled-route.ts), so routes whose list holds an
 * instance of their own add nothing to the list trie.
 */
import type { Arg } from '../eskip/index.ts';

const shardBits = 8;
const shardMask = (1 << shardBits) - 1;
/** How many maps one spec's entries are spread over. */
export const shardCount = shardMask + 1;

let epochs = 0;

export class CreationCache {
  /** Counts hand-outs of an instance already handed out in this compile; callers compare it before and after. */
  repeats = 0;
  /** Distinguishes this compile's hand-outs in caches that outlive it (see memo.ts of the predicates). */
  readonly epoch = ++epochs;
  readonly #owners = new Map<object, (Map<Arg[], object> | undefined)[]>();

  /**
   * The instance made for `owner` and `args` (a frozen list) earlier in this compile, counted as a repeat;
   * otherwise undefined, and the caller stores what it makes.
   */
  get(owner: object, args: Arg[]): object | undefined {
    const shards = this.#owners.get(owner);
    if (shards === undefined) return undefined;
    const x = shards[shardOf(args)]?.get(args);
    if (x !== undefined) this.repeats++;
    return x;
  }

  set(owner: object, args: Arg[], x: object): void {
    let shards = this.#owners.get(owner);
    if (shards === undefined) this.#owners.set(owner, (shards = new Array<undefined>(shardMask + 1).fill(undefined)));
    (shards[shardOf(args)] ??= new Map()).set(args, x);
  }
}

/**
 * A hash of all of the last argument's characters: calls that differ do so mostly at the end, but per-route
 * values differ in their last few digits only ("r123456"), and hashing two characters and the length put
 * 90 % of a million such values into 100 of the 256 shards (each map then grew 2.5× larger, and its rehash
 * blocked that much longer).
 */
export function shardOf(args: readonly Arg[]): number {
  if (args.length === 0) return 0;
  const a = args[args.length - 1]!;
  if (typeof a === 'number') return (a | 0) & shardMask;
  let h = a.length;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 16)) & shardMask;
}
