/**
 * Batches log lines into one write per event-loop turn: a synchronous write per request would cost a
 * syscall on the hot path. Flushed on exit so no line is lost when the process ends normally. A batch stays
 * below PIPE_BUF (4096 bytes, POSIX's atomic pipe write), so workers sharing one stdout never split each
 * other's lines.
 */
import type { Writable } from 'node:stream';

export interface LineWriter {
  write(line: string): void;
  flush(): void;
}

/** UTF-16 units that encode to at most 4096 bytes of UTF-8 (3 bytes per unit at most). */
const MAX_BATCH = 1365;

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
      if (pending.length + line.length > MAX_BATCH && pending !== '') flush();
      pending += line;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
