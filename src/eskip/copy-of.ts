/**
 * The first `n` items of `items` as a list of their own. Lists of up to four are array literals: V8 tracks
 * an allocation site per literal and, seeing that a parse keeps nearly everything it makes, allocates them
 * in the old generation directly (pretenuring); `slice` has no such site, so each of its lists is copied by
 * a scavenge and again when promoted. Route lists, call arguments and endpoint lists are nearly all short.
 */
export function copyOf<T>(items: readonly T[], n: number): T[] {
  switch (n) {
    case 0: return [];
    case 1: return [items[0]!];
    case 2: return [items[0]!, items[1]!];
    case 3: return [items[0]!, items[1]!, items[2]!];
    case 4: return [items[0]!, items[1]!, items[2]!, items[3]!];
    default: return items.slice(0, n);
  }
}
