/**
 * Pieces for benchmarks that load the real skipjack command: start it on an ephemeral port, count the CPU
 * of it and its workers, load it with autocannon.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Starts `skipjack args` from the sources; resolves with its proxy port once every worker listens. */
export async function startSkipjackProcess(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ['src/cmd/skipjack.ts', '-address=127.0.0.1:0', '-support-listener=', '-access-log-disabled', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`skipjack did not start: ${err}`)), 60_000);
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /proxy listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.on('exit', () => reject(new Error(`skipjack exited: ${err}`)));
  });
  return { proc, port };
}

/** Stops a process started by {@link startSkipjackProcess} (its whole group: the workers too). */
export function killProcessGroup(proc: ChildProcess): void {
  try {
    process.kill(-proc.pid!, 'SIGKILL');
  } catch {
    // gone
  }
}

/** CPU µs (utime + stime) of a process and its children (the workers); USER_HZ is 100 on Linux. */
export function cpuUs(pid: number): number {
  const ticks = (p: number): number => {
    try {
      // Fields after the parenthesised command name: state is [0], utime [11], stime [12].
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(f[11]) + Number(f[12]);
    } catch {
      return 0;
    }
  };
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone
  }
  return (ticks(pid) + children.reduce((n, c) => n + ticks(c), 0)) * 10_000;
}

export interface LoadRun {
  rps: number;
  /** Requests answered during the run. */
  total: number;
  p50: number;
  p99: number;
  errors: number;
}

/** `connections` keep-alive connections against http://127.0.0.1:port/ for `seconds`. */
export async function autocannonLoad(port: number, seconds: number, connections: number): Promise<LoadRun> {
  // autocannon ships no types; this is the part of its API the benchmarks use.
  type Out = { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
  const { default: autocannon } = (await import('autocannon' as string)) as { default: (o: object) => Promise<Out> };
  const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections, duration: seconds });
  return { rps: r.requests.average, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}
