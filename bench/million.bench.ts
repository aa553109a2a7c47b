/**
 * A million routes from a file (issue 13, items 2 and 5): for 10k, 100k and 1M routes of a mixed shape
 * (bench/support/million-routes.ts: Host, Path, PathSubtree, PathRegexp, Method, Header, HeaderRegexp
 * predicates, two or three filters, network and LB backends), each measured in a fresh process
 * (bench/support/million-load.ts): parse and compile time, load CPU time, heap after the load (B/route),
 * max RSS, the longest event-loop block during parse and during compile (a 1 ms timer probe; in brackets the
 * CPU time the process used in that gap, which tells a block from a busy machine not scheduling it), lookup
 * p50/p99 (best of five rounds, the median round's p99 in brackets).
 *
 * The named alternative is the previous version, measured in the same run: the base commit (default
 * 2f37c61) is checked out into a temporary git worktree with node_modules linked, and the same measurement
 * runs there; a run that exceeds the time cap prints "> N s". Growth between sizes is printed as a ratio;
 * the run fails (exit 1) when load time or heap grows more than 12x for 10x the routes in this version.
 *
 * Run: npm run bench:million [-- sizes… --base=<commit> --cap=<seconds> --no-base]
 *   Route files are generated once into $TMPDIR/skipjack-million/ and reused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { routeText } from './support/million-routes.ts';
import { startFlagsOf } from './lib/launch.ts';

const args = process.argv.slice(2);
const sizes = args.map(Number).filter((n) => n > 0);
const runSizes = sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000];
const base = args.find((a) => a.startsWith('--base='))?.slice('--base='.length) ?? '2f37c61';
const capS = Number(args.find((a) => a.startsWith('--cap='))?.slice('--cap='.length) ?? 180);
const withBase = !args.includes('--no-base');
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const probe = join(root, 'bench/support/million-load.ts');
const dir = join(tmpdir(), 'skipjack-million');
mkdirSync(dir, { recursive: true });

/** The routes file of n routes, generated on first use (in chunks: a 1M-route file is 260 MB). */
function routesFile(n: number): string {
  const f = join(dir, `${n}.eskip`);
  if (existsSync(f)) return f;
  const tmp = `${f}.tmp`;
  writeFileSync(tmp, '');
  for (let i = 0; i < n; i += 10_000) {
    const part: string[] = [];
    for (let j = i; j < Math.min(n, i + 10_000); j++) part.push(routeText(j, n));
    writeFileSync(tmp, part.join(''), { flag: 'a' });
  }
  execFileSync('mv', [tmp, f]);
  return f;
}

interface Result {
  n: number; readMs?: number; parseMs: number; parseBlockMs: number; parseBlockCpuMs: number; compileMs: number; compileBlockMs: number; compileBlockCpuMs: number; loadCpuMs: number;
  heapTotalB: number; maxRssB: number; p50Ns: number; p99Ns: number; p99MedianRoundNs: number; hitRate: number;
  sliced: { parse: boolean; compile: boolean };
}

function measure(tree: string, file: string, n: number): Result | string {
  // Each tree with its own command's start flags (young generation size); million-load.ts sets its runtime flags.
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', ...startFlagsOf(tree), probe, tree, file, String(n)], {
    encoding: 'utf8', timeout: capS * 1000, maxBuffer: 1 << 20,
  });
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return `> ${capS} s`;
  if (r.status !== 0) return `failed: ${(r.stderr || String(r.error)).trim().split('\n').slice(-1)[0]}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

let baseTree: string | null = null;
if (withBase) {
  baseTree = join(tmpdir(), `skipjack-base-${base}`);
  if (!existsSync(baseTree)) {
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', baseTree, base], { stdio: 'ignore' });
    symlinkSync(join(root, 'node_modules'), join(baseTree, 'node_modules'));
  }
}

const la = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`node ${process.version}; base ${base}; load average at start ${la()}; cap ${capS} s per run`);
console.log('routes    | version | read ms | parse ms | longest block ms (CPU) | compile ms | longest block ms (CPU) | load CPU ms | heap MB | heap B/route | max RSS MB | p50 µs | p99 µs (median round)');
const rows: { n: number; version: string; r: Result | string }[] = [];
const fmt = (x: number, d = 0) => x.toFixed(d);
for (const n of runSizes) {
  const file = routesFile(n);
  for (const [version, tree] of [['base', baseTree], ['this', root]] as const) {
    if (tree === null) continue;
    const r = measure(tree, file, n);
    rows.push({ n, version, r });
    if (typeof r === 'string') {
      console.log(`${String(n).padEnd(9)} | ${version.padEnd(7)} | ${r}`);
      continue;
    }
    console.log([String(n).padEnd(9), version.padEnd(7), fmt(r.readMs ?? NaN).padStart(7), fmt(r.parseMs).padStart(8), `${fmt(r.parseBlockMs)} (${fmt(r.parseBlockCpuMs)})`.padStart(22), fmt(r.compileMs).padStart(10),
      `${fmt(r.compileBlockMs)} (${fmt(r.compileBlockCpuMs)})`.padStart(22), fmt(r.loadCpuMs).padStart(11), fmt(r.heapTotalB / 2 ** 20).padStart(7), fmt(r.heapTotalB / n).padStart(12),
      fmt(r.maxRssB / 2 ** 20).padStart(10), fmt(r.p50Ns / 1000, 2).padStart(6), `${fmt(r.p99Ns / 1000, 2).padStart(6)} (${fmt(r.p99MedianRoundNs / 1000, 2)})`].join(' | '));
  }
}

// Issue 13's load target: read, parse and compile of a million routes from the file in ≤ 10 s.
for (const { n, version, r } of rows) {
  if (n !== 1_000_000 || typeof r === 'string') continue;
  const load = (r.readMs ?? 0) + r.parseMs + r.compileMs;
  console.log(`${version}: 1,000,000 routes loaded from the file (read ${fmt(r.readMs ?? NaN)} + parse + compile) in ${fmt(load)} ms: ≤ 10 s ${load <= 10_000 ? 'met' : 'NOT met'}`);
}
console.log(`\ngrowth for 10x the routes (target ≤ 12x); load average now ${la()}`);
let failed = false;
for (const version of ['base', 'this']) {
  const rs = rows.filter((x) => x.version === version);
  for (let i = 1; i < rs.length; i++) {
    const a = rs[i - 1]!.r;
    const b = rs[i]!.r;
    if (typeof a === 'string' || typeof b === 'string') {
      console.log(`${version}: ${rs[i - 1]!.n} → ${rs[i]!.n}: ${typeof b === 'string' ? b : a}`);
      continue;
    }
    const k = b.n / a.n;
    const load = (b.parseMs + b.compileMs) / (a.parseMs + a.compileMs);
    const cpu = b.loadCpuMs / a.loadCpuMs;
    const heap = b.heapTotalB / a.heapTotalB;
    const worst = Math.max(cpu, heap) / (k / 10);
    if (version === 'this' && worst > 12) failed = true;
    console.log(`${version}: ${a.n} → ${b.n} (${k}x): load time ${load.toFixed(1)}x, load CPU ${cpu.toFixed(1)}x, heap ${heap.toFixed(1)}x${version === 'this' && worst > 12 ? '  ← more than 12x' : ''}`);
  }
}
if (baseTree !== null) execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', baseTree], { stdio: 'ignore' });
if (failed) {
  console.log('FAILED: a step grew more than 12x for 10x the routes');
  process.exit(1);
}
