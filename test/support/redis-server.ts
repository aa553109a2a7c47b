/**
 * Real redis-server processes for tests and benchmarks: each on its own free loopback port (test/support/ports.ts), without
 * persistence, stopped by the caller (and, as a safety net, when the test file ends).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { freePort } from './ports.ts';

export { freePort };

const live = new Set<() => Promise<void>>();
// Benchmarks import this module too and must not start a test harness.
if (process.env.NODE_TEST_CONTEXT !== undefined) after(() => Promise.all([...live].map((stop) => stop())));

export interface RedisServerOptions {
  /** Sets `requirepass` (the default user's password). */
  password?: string;
  /** Adds an ACL user with all permissions: `{ name, password }`. */
  user?: { name: string; password: string };
  /** A fixed port, e.g. to restart on the same address; an ephemeral one when absent. */
  port?: number;
}

export interface RedisServer {
  readonly port: number;
  /** `127.0.0.1:port` */
  readonly address: string;
  /** `redis://127.0.0.1:port` (without credentials). */
  readonly url: string;
  /** The current process id (changes on restart). */
  pid(): number;
  /** True while the process runs. */
  running(): boolean;
  /** Sends `signal` (SIGKILL unless told) and resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Sends `signal` without waiting (SIGSTOP / SIGCONT to make the server hang and resume). */
  signal(signal: NodeJS.Signals): void;
  /** Starts a fresh process on the same port (after kill); resolves when it accepts connections. */
  restart(): Promise<void>;
  /** Stops the process if it runs (SIGTERM, then SIGKILL after 3 s). */
  stop(): Promise<void>;
}

function spawnRedis(port: number, o: RedisServerOptions): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice'];
  if (o.password) args.push('--requirepass', o.password);
  if (o.user) args.push('--user', o.user.name, 'on', `>${o.user.password}`, '~*', '&*', '+@all');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise<ChildProcess>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} not ready after 10 s:\n${out}`));
    }, 10_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(t);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    // Not started at all (no redis-server on PATH): rejected here, at once. Unhandled, the error failed the test
    // as an uncaught exception while startRedis went on trying in the background, and an attempt that later
    // succeeded (redis-server installed meanwhile) left a server no test would stop: the test file never ended.
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(t);
      reject(err.code === 'ENOENT' ? Object.assign(new Error('redis-server is not installed (not on PATH); .ci/run installs it: apt-get install -y redis-server'), { code: 'ENOENT' }) : err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      reject(new Error(`redis-server on port ${port} exited (${code ?? signal}) before ready:\n${out}`));
    });
  });
}

/** Starts redis-server; retries on another ephemeral port when the chosen one was taken meanwhile. */
export async function startRedis(o: RedisServerOptions = {}): Promise<RedisServer> {
  let port = o.port ?? 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; child === undefined; attempt++) {
    const p = o.port ?? (await freePort());
    try {
      child = await spawnRedis(p, o);
      port = p;
    } catch (err) {
      // Another port helps only when this one was taken.
      if (o.port !== undefined || attempt >= 4 || (err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    }
  }
  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
  const kill = async (c: ChildProcess, signal: NodeJS.Signals) => {
    if (exited(c)) return;
    const done = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill(signal);
    const t = signal === 'SIGKILL' ? undefined : setTimeout(() => c.kill('SIGKILL'), 3000);
    await done;
    clearTimeout(t);
  };
  // SIGCONT first: a stopped server would not act on SIGTERM.
  const stop = async () => {
    if (!exited(child!)) child!.kill('SIGCONT');
    await kill(child!, 'SIGTERM');
  };
  live.add(stop);
  return {
    port,
    address: `127.0.0.1:${port}`,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child!.pid!,
    running: () => !exited(child!),
    kill: (signal = 'SIGKILL') => kill(child!, signal),
    signal: (signal) => void child!.kill(signal),
    async restart() {
      await kill(child!, 'SIGKILL');
      child = await spawnRedis(port, o);
    },
    async stop() {
      await stop();
      live.delete(stop);
    },
  };
}
