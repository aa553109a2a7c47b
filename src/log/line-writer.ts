/**
 * Batches log lines into one write per event-loop turn: a synchronous write per request would cost a
 * syscall on the hot path. Flushed on exit so no line is lost when the process ends normally.
 */
import type { Writable } from 'node:stream';

export interface LineWriter {
  write(line: string): void;
  flush(): void;
}

const writers = new Set<() => void>();
process.on('exit', () => {
  for (const flush of writers) flush();
});

export function createLineWriter(out: Writable | NodeJS.WriteStream): LineWriter {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    out.write(chunk);
  };
  writers.add(flush);
  return {
    write(line: string): void {
      pending += line;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
