/**
 * Batches log lines into one write per event-loop turn: a synchronous write per request would cost a
 * syscall on the hot path. Flushed on exit so no line is lost when the process ends normally. A batch stays
 * below PIPE_BUF (4096 bytes, POSIX's atomic pipe write), so workers sharing one stdout never split each
 * other's lines.
 */
import { openSync, writeSync } from 'node:fs';

/** Where log batches go: a stream (stdout, stderr, a test sink) or a file opened by fileSink. */
export interface LogSink {
  write(chunk: string): unknown;
}

/**
 * A file appended to with synchronous writes, like Node's stdout on a file: a batch written at exit is not lost
 * in a stream's buffer.
 */
export function fileSink(path: string): LogSink {
  const fd = openSync(path, 'a');
  return { write: (chunk) => writeSync(fd, chunk) };
}

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

export function createLineWriter(out: LogSink): LineWriter {
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
