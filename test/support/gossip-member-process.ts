/** Drives test/support/gossip-member.ts in a child process (optionally inside a network namespace). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./gossip-member.ts', import.meta.url));

export interface MemberProcess {
  readonly child: ChildProcess;
  /** Sends one command and resolves with its answer line. */
  ask(command: string): Promise<string>;
  stderr(): string;
  /** SIGTERM (goodbye), SIGKILL after 3 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

/** Starts a member and resolves once its swarm services run; `prefix` runs it inside a namespace. */
export async function startMember(self: string, all: string[], prefix: string[] = [], timeoutMs = 60_000): Promise<MemberProcess> {
  const argv = [...prefix, process.execPath, SCRIPT, self, all.filter((a) => a !== self).join(',')];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else lines.push(l);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`member ${self} not started after ${timeoutMs} ms:\n${err}`)), timeoutMs);
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('gossip member started')) {
          clearTimeout(t);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`member ${self} exited with ${code}:\n${err}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    child,
    stderr: () => err,
    stop,
    ask(command) {
      const answer = new Promise<string>((resolve) => {
        const l = lines.shift();
        if (l !== undefined) resolve(l);
        else waiters.push(resolve);
      });
      child.stdin!.write(command + '\n');
      return answer;
    },
  };
}
