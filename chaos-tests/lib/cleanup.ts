/**
 * One place where every process, server and namespace a chaos run creates registers its teardown, so the run
 * cleans up pass or fail, and also on SIGINT/SIGTERM (a half-run chaos scenario must not leave redis-servers,
 * skipjack process groups or network namespaces behind).
 */
type Teardown = () => void | Promise<void>;

const stack: Teardown[] = [];
let hooked = false;

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}

/** Registers a teardown; runs last-in first-out by cleanupAll(). */
export function onCleanup(fn: Teardown): void {
  hookSignals();
  stack.push(fn);
}

/** Runs every registered teardown (errors are reported, never stop the others). */
export async function cleanupAll(): Promise<void> {
  while (stack.length > 0) {
    const fn = stack.pop()!;
    try {
      await fn();
    } catch (err) {
      console.error('chaos cleanup:', err);
    }
  }
}

/** Runs `body` and cleans up whatever it registered, pass or fail. */
export async function scoped<T>(body: () => Promise<T>): Promise<T> {
  const mark = stack.length;
  try {
    return await body();
  } finally {
    while (stack.length > mark) {
      const fn = stack.pop()!;
      try {
        await fn();
      } catch (err) {
        console.error('chaos cleanup:', err);
      }
    }
  }
}
