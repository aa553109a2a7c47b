/**
 * Running a build in slices. A build step is a generator that yields now and then (every few hundred
 * routes); the synchronous driver runs it straight through, the sliced one hands the event loop back once a
 * slice has taken `sliceMs`, so requests keep being served by the current table while the next is built.
 */

/** A unit of build work: yields between chunks, returns the result. */
export type Steps<T> = Generator<void, T, void>;

/** How many items a step handles between two yields: a yield costs a clock read in the sliced driver. */
export const stepChunk = 256;

/** Runs `steps` to the end without yielding to the event loop. */
export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

export interface SliceOptions {
  /** Longest stretch of work between two returns to the event loop (default 10 ms). */
  sliceMs?: number;
  /** Called at every return to the event loop (tests count them). */
  onYield?: () => void;
  /**
   * Work nothing waits for (the endpoint registry's walk of a new table): it runs only while no other sliced
   * run is under way, so a route change built meanwhile gets the whole thread rather than every other slice.
   */
  background?: boolean;
}

/** Sliced runs under way that are not background work, and the background runs waiting for them to end. */
let foreground = 0;
let waiting: (() => void)[] = [];

async function foregroundDone(): Promise<void> {
  while (foreground > 0) await new Promise<void>((resolve) => waiting.push(resolve));
}

/** Runs `steps`, returning to the event loop (setImmediate: I/O and timers run first) after each slice. */
export async function runSliced<T>(steps: Steps<T>, o: SliceOptions = {}): Promise<T> {
  const sliceMs = o.sliceMs ?? 10;
  const background = o.background === true;
  if (background) await foregroundDone();
  else foreground++;
  try {
    let deadline = performance.now() + sliceMs;
    for (;;) {
      const r = steps.next();
      if (r.done === true) return r.value;
      if (performance.now() >= deadline) {
        o.onYield?.();
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (background) await foregroundDone();
        deadline = performance.now() + sliceMs;
      }
    }
  } finally {
    if (!background && --foreground === 0) {
      const w = waiting;
      waiting = [];
      for (const resolve of w) resolve();
    }
  }
}
