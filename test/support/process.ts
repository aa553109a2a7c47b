/** Child processes for integration tests: started with Node 24's type stripping, always killed afterwards. */
import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';

// Safety net: whatever a test forgot to stop (e.g. a sibling of a process that failed inside Promise.all) is
// stopped when the test file ends, so a failing test can never leave processes that keep the run alive.
const live = new Set<() => Promise<void>>();
// Only inside the test runner: benchmarks import this module too and must not start a test harness.
if (process.env.NODE_TEST_CONTEXT !== undefined) after(() => Promise.all([...live].map((stop) => stop())));

export interface Started {
  child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Runs `node [nodeArgs…] script args…` and resolves once a stderr line matches `ready` (with the match),
 * rejecting if the process exits first or `timeoutMs` passes.
 */
export async function startNode(script: string, args: string[], ready: RegExp, timeoutMs = 60_000, nodeArgs: readonly string[] = []): Promise<Started & { match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  live.add(stop);
  child.once('exit', () => live.delete(stop));
  child.stdout!.resume();
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${script} not ready after ${timeoutMs} ms:\n${err}`)), timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = err.match(ready);
      if (m) {
        clearTimeout(t);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${script} exited with ${code} before ready:\n${err}`));
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });
  return { child, match, stderr: () => err, stop };
}
