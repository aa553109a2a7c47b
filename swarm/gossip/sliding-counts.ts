/**
 * Sliding-window counts in O(1) per key: the count of the current fixed window and of the one before, the
 * sliding estimate weighting the previous window by the part of it still inside the sliding window
 * (`prev × (1 − elapsed/window) + cur`). Windows are aligned on the epoch, so every instance (with clocks
 * synchronised to well under a window, as NTP keeps them) names the same window by the same index.
 * `d…` count every attempt (admitted or not): the demand that shares the remaining budget.
 */
export interface SlidingCounts {
  win: number;
  cur: number;
  prev: number;
  dCur: number;
  dPrev: number;
}

export function emptyCounts(win: number): SlidingCounts {
  return { win, cur: 0, prev: 0, dCur: 0, dPrev: 0 };
}

/** Moves `c` forward to window `win` (a later window only; reports from the past are never rolled back). */
export function roll(c: SlidingCounts, win: number): void {
  if (c.win >= win) return;
  if (c.win === win - 1) {
    c.prev = c.cur;
    c.dPrev = c.dCur;
  } else {
    c.prev = 0;
    c.dPrev = 0;
  }
  c.cur = 0;
  c.dCur = 0;
  c.win = win;
}

/** The sliding estimate of admitted hits at window `win`, `frac` of it elapsed; counts are not changed. */
export function estimate(c: SlidingCounts, win: number, frac: number): number {
  if (c.win === win) return c.prev * (1 - frac) + c.cur;
  if (c.win === win - 1) return c.cur * (1 - frac);
  return 0;
}

/** The sliding estimate of attempts. */
export function demand(c: SlidingCounts, win: number, frac: number): number {
  if (c.win === win) return c.dPrev * (1 - frac) + c.dCur;
  if (c.win === win - 1) return c.dCur * (1 - frac);
  return 0;
}
