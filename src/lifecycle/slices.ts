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
}

/** Runs `steps`, returning to the event loop (setImmediate: I/O and timers run first) after each slice. */
export async function runSliced<T>(steps: Steps<T>, o: SliceOptions = {}): Promise<T> {
  const sliceMs = o.sliceMs ?? 10;
  let deadline = performance.now() + sliceMs;
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    if (performance.now() >= deadline) {
      o.onYield?.();
      await new Promise<void>((resolve) => setImmediate(resolve));
      deadline = performance.now() + sliceMs;
    }
  }
}
