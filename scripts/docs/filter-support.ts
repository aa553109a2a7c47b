/**
 * Which filter names the real skipjack command knows: it is started once with one route per name and
 * /routes?format=json says which routes were refused as `unknown_filter`. Asking the command (rather than
 * a registry in this process) counts every family the composition root registers, with the flags given.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Flags that register optional filter families (Skipper registers those under the same flags). */
export const FAMILY_FLAGS = ['-enable-ratelimits'];

/**
 * A swarm of one over gossip (static membership naming only itself): filters that need a store shared by the
 * instances, such as clusterLeakyBucketRatelimit, are offered only under -enable-swarm.
 */
export async function swarmFlags(): Promise<string[]> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
  return ['-enable-swarm', `-swarm-static-self=127.0.0.1:${port}`];
}

interface RoutesJson {
  routes: { id: string }[];
  invalid: { id: string; reason: string }[];
}

/**
 * The subset of `names` skipjack knows as filters when started with FAMILY_FLAGS and `extraFlags`. Starts and
 * always stops one skipjack process.
 */
export async function knownFilters(names: readonly string[], extraFlags: readonly string[] = [], timeoutMs = 60_000): Promise<Set<string>> {
  const routes = names.map((n) => `f_${n}: Path("/${n}") -> ${n}() -> <shunt>;`).join('\n');
  const args = ['src/cmd/skipjack.ts', '-workers=1', '-address=127.0.0.1:0', '-support-listener=127.0.0.1:0', ...FAMILY_FLAGS, ...extraFlags, '-inline-routes', routes];
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  try {
    const support = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`skipjack did not start in ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
      proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const m = /support listener .* on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void exited.then(() => reject(new Error(`skipjack exited:\n${stderr}`)));
    });
    const body = (await (await fetch(`${support}/routes?format=json`)).json()) as RoutesJson;
    const unknown = new Set(body.invalid.filter((i) => i.reason === 'unknown_filter').map((i) => i.id));
    const seen = new Set([...body.routes.map((r) => r.id), ...body.invalid.map((i) => i.id)]);
    for (const n of names) if (!seen.has(`f_${n}`)) throw new Error(`route f_${n} is missing from /routes`);
    return new Set(names.filter((n) => !unknown.has(`f_${n}`)));
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
  }
}
