/**
 * Copying a long list in steps. A list of a million routes copied in one call (slice, concat) blocked the
 * event loop for 25 ms on a quiet machine and over 100 ms on a busy one, several times per route update;
 * copied a block at a time, a sliced build (slices.ts) returns to the event loop in between.
 */
import { runSync, type Steps } from './slices.ts';

/** Elements copied between two yields: about a millisecond. */
const BLOCK = 32 * 1024;

/**
 * `list` with [from, to) replaced by `mid`, built a block at a time. The result is sized once and filled
 * by index (a million elements: ~30 ms of CPU in all, as a native slice; growing it by push took ~110 ms).
 */
export function* replacedSteps<T>(list: readonly T[], from: number, to: number, mid: readonly T[]): Steps<T[]> {
  const out: T[] = new Array(list.length - (to - from) + mid.length);
  let k = 0;
  for (let i = 0; i < from; ) {
    const end = Math.min(from, i + BLOCK);
    while (i < end) out[k++] = list[i++]!;
    yield;
  }
  for (let i = 0; i < mid.length; i++) out[k++] = mid[i]!;
  for (let i = to; i < list.length; ) {
    const end = Math.min(list.length, i + BLOCK);
    while (i < end) out[k++] = list[i++]!;
    yield;
  }
  return out;
}

/** How two lists agree at their ends by identity: `prefix` leading and `suffix` trailing elements (not overlapping). */
export interface CommonEnds {
  readonly prefix: number;
  readonly suffix: number;
}

/**
 * The common prefix and suffix of `prev` and `next`, element by element by identity: one changed element among
 * a million costs pointer comparisons, and only the window between is left for the caller to read.
 */
export function commonEnds<T>(prev: readonly T[], next: readonly T[]): CommonEnds {
  return runSync(runEnds(prev, next, Infinity));
}

/** {@link commonEnds} in steps of `perStep` comparisons, for lists of a million. */
export function* commonEndsSteps<T>(prev: readonly T[], next: readonly T[], perStep: number): Steps<CommonEnds> {
  return yield* runEnds(prev, next, perStep);
}

function* runEnds<T>(prev: readonly T[], next: readonly T[], perStep: number): Steps<CommonEnds> {
  const limit = Math.min(prev.length, next.length);
  let p = 0;
  while (p < limit && prev[p] === next[p]) if (++p % perStep === 0) yield;
  let s = 0;
  while (s < limit - p && prev[prev.length - 1 - s] === next[next.length - 1 - s]) if (++s % perStep === 0) yield;
  return { prefix: p, suffix: s };
}
