/**
 * Runs the fuzz targets: replays the corpus of past crashes, then mutates for a while. `npm test` runs it
 * briefly (test/fuzz/fuzz.test.ts); longer on demand, saving every new crash to the corpus:
 *
 *   npm run fuzz -- [--seconds=60] [--runs=N] [--target=eskip|annotations|request-head]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import fc from 'fast-check';
import { startSkipjack, type Skipjack } from '../cmd/harness.ts';
import { annotationsTarget, checkReply, eskipTarget, exchange, mutated, REQUEST_ALPHABET, REQUEST_SEEDS, type FuzzTarget } from './targets.ts';

const CORPUS = join(import.meta.dirname, 'corpus');

/** The saved inputs of a target, by file name. */
export function corpus(name: string): [string, string][] {
  const dir = join(CORPUS, name);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
  } catch {
    return [];
  }
  return files.map((f) => [f, readFileSync(join(dir, f), 'latin1')]);
}

function save(name: string, input: string): string {
  const dir = join(CORPUS, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha256').update(input, 'latin1').digest('hex').slice(0, 16)}.txt`);
  writeFileSync(file, input, 'latin1');
  return file;
}

export interface FuzzRun {
  /** Stop after this long, ms. */
  ms: number;
  /** And after this many inputs. */
  runs: number;
  /** Write a failing input to the corpus. */
  keep: boolean;
}

/** Mutates a target's seeds and corpus; throws with the failing input (saved when `keep`). */
export async function fuzz(t: FuzzTarget, o: FuzzRun): Promise<number> {
  let n = 0;
  const seeds = [...t.seeds, ...corpus(t.name).map(([, s]) => s)];
  try {
    await fc.assert(fc.asyncProperty(mutated(seeds, t.alphabet), async (input) => {
      n++;
      await t.run(input);
    }), { numRuns: o.runs, interruptAfterTimeLimit: o.ms, endOnFailure: true });
  } catch (e) {
    const m = /Counterexample: \[(.*)\]\n/.exec((e as Error).message);
    if (o.keep && m !== null) {
      const file = save(t.name, JSON.parse(m[1]!) as string);
      throw new Error(`${t.name}: a crash, saved to ${file}\n${(e as Error).message}`);
    }
    throw e;
  }
  return n;
}

/** A skipjack with a shunt route, a route to a real backend and a health route, for request-head fuzzing. */
export async function requestHeadTarget(t: Pick<TestContext, 'after'>, quietMs: number): Promise<FuzzTarget & { sj: Skipjack }> {
  const backend = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('backend'));
  });
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  t.after(() => new Promise<void>((r) => { backend.closeAllConnections(); backend.close(() => r()); }));
  const port = (backend.address() as { port: number }).port;
  const sj = await startSkipjack(t as TestContext, [
    `-inline-routes=health: Path("/health") -> status(204) -> <shunt>; b: PathSubtree("/b") -> "http://127.0.0.1:${port}"; api: PathSubtree("/api") -> status(200) -> <shunt>; admin: PathSubtree("/admin") -> status(403) -> <shunt>; rest: * -> status(200) -> inlineContent("ok") -> <shunt>;`,
    '-access-log-disabled', '-read-header-timeout-server=2s',
  ]);
  const proxyPort = Number(new URL(sj.base).port);
  return {
    name: 'request-head',
    seeds: REQUEST_SEEDS,
    alphabet: REQUEST_ALPHABET,
    sj,
    async run(head) {
      const reply = await exchange(proxyPort, head, quietMs);
      checkReply(reply, head);
      if (sj.proc.exitCode !== null || sj.proc.signalCode !== null) throw new Error(`the proxy exited after ${JSON.stringify(head)}:\n${sj.stderr()}`);
      const health = await fetch(`${sj.base}/health`, { signal: AbortSignal.timeout(10_000) });
      if (health.status !== 204) throw new Error(`the proxy stopped answering after ${JSON.stringify(head)}: ${health.status}`);
    },
  };
}

async function main(): Promise<void> {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const seconds = Number(arg('seconds') ?? '30');
  const runs = Number(arg('runs') ?? '1000000000');
  const only = arg('target');
  const cleanups: (() => unknown)[] = [];
  const ctx = { after: (fn: () => unknown) => cleanups.push(fn) };
  try {
    const targets: FuzzTarget[] = [eskipTarget, annotationsTarget];
    if (only === undefined || only === 'request-head') targets.push(await requestHeadTarget(ctx, 400));
    for (const target of targets) {
      if (only !== undefined && target.name !== only) continue;
      for (const [file, input] of corpus(target.name)) {
        try {
          await target.run(input);
        } catch (e) {
          throw new Error(`corpus ${target.name}/${file}: ${(e as Error).message}`);
        }
      }
      const n = await fuzz(target, { ms: seconds * 1000, runs, keep: true });
      process.stdout.write(`${target.name}: ${n} inputs in ${seconds} s or less, no invariant broken\n`);
    }
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

if (process.argv[1] === import.meta.filename) await main();
