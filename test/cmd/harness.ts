/**
 * Runs the real `skipjack` command from source (Node 24 strips the types) in its own process group, so a
 * test can stop it and its workers whatever happens. Ports are ephemeral and read from the start-up log.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFlags } from '../../src/lifecycle/index.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMMAND = [process.execPath, ...startFlags, 'src/cmd/skipjack.ts'];
const BUILT = join(ROOT, 'dist/src/cmd/skipjack.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The package bin as users run it (`dist/`), rebuilt when any source is newer. Memory measurements use it:
 * running from source adds the type stripper's ~30 MB to the process.
 */
export function builtCommand(): string[] {
  const fresh = (): boolean => {
    try {
      // swarm/ is compiled into dist/ too: a change there must rebuild as well.
      return statSync(BUILT).mtimeMs >= Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'swarm')));
    } catch {
      return false;
    }
  };
  if (!fresh()) {
    // Emits even when unrelated files fail to type-check; the freshness check below is what matters.
    spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
    if (!fresh()) throw new Error('could not build dist/src/cmd/skipjack.js');
  }
  // Run it as its bin runs it: with the Node flags of its `#!/usr/bin/env -S node …` line.
  const shebang = readFileSync(BUILT, 'utf8').split('\n', 1)[0]!;
  const flags = shebang.startsWith('#!/usr/bin/env -S node') ? shebang.split(/\s+/).slice(3) : [];
  return [process.execPath, ...flags, BUILT];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Skipjack {
  proc: ChildProcess;
  /** http://127.0.0.1:PORT */
  base: string;
  /** http://127.0.0.1:SUPPORT_PORT */
  support: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match in the stream's output so far or to come. */
  waitFor(re: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<Exit>;
}

function collect(proc: ChildProcess) {
  const out = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out.stdout += d;
    for (const w of waiters) w();
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    out.stderr += d;
    for (const w of waiters) w();
  });
  const exited = new Promise<Exit>((resolve) => proc.on('exit', (code, signal) => {
    resolve({ code, signal });
    for (const w of waiters) w();
  }));
  let dead = false;
  void exited.then(() => (dead = true));
  const waitFor = (re: RegExp, stream: 'stdout' | 'stderr' = 'stderr', timeoutMs = 60_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = re.exec(out[stream]);
        if (m !== null) {
          done();
          resolve(m);
        } else if (dead) {
          done();
          reject(new Error(`skipjack exited before ${re} appeared; stderr:\n${out.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${re}; stderr:\n${out.stderr}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { out, exited, waitFor };
}

/** Runs skipjack to completion (for flag errors and the like). */
export async function runSkipjack(args: string[], timeoutMs = 30_000): Promise<Exit & { stdout: string; stderr: string }> {
  const proc = spawn(COMMAND[0]!, [...COMMAND.slice(1), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const c = collect(proc);
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const exit = await c.exited;
  clearTimeout(timer);
  return { ...exit, ...c.out };
}

/**
 * Starts skipjack on ephemeral loopback ports and waits until both listeners answer. `readyFrom`: read the
 * start-up lines from this application log file instead of stderr.
 */
export async function startSkipjack(t: TestContext, args: string[], o: { workers?: number; command?: string[]; readyFrom?: string } = {}): Promise<Skipjack> {
  const full = ['-address=127.0.0.1:0', '-support-listener=127.0.0.1:0', `-workers=${o.workers ?? 1}`, ...args];
  const command = o.command ?? COMMAND;
  const proc = spawn(command[0]!, [...command.slice(1), ...full], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const c = collect(proc);
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await c.exited;
    }
  });
  const readyText = async (re: RegExp): Promise<RegExpMatchArray> => {
    if (o.readyFrom === undefined) return c.waitFor(re);
    let m: RegExpMatchArray | null = null;
    await until(() => {
      try {
        m = re.exec(readFileSync(o.readyFrom!, 'utf8'));
      } catch {
        m = null;
      }
      return m !== null;
    }, `${re} in ${o.readyFrom}`);
    return m!;
  };
  const [, port] = await readyText(/proxy listening on https?:\/\/127\.0\.0\.1:(\d+)/);
  const [, supportPort] = await readyText(/support listener .* on http:\/\/127\.0\.0\.1:(\d+)/);
  return {
    proc,
    base: `http://127.0.0.1:${port}`,
    support: `http://127.0.0.1:${supportPort}`,
    stdout: () => c.out.stdout,
    stderr: () => c.out.stderr,
    waitFor: c.waitFor,
    exited: c.exited,
  };
}

/** A plain node:http backend on an ephemeral loopback port, closed after the test. */
export async function startBackend(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Polls `check` until it returns true (no fixed sleeps in tests). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
