/**
 * `skipjack-eskip check` on a generated file of simple routes (one Path, one setResponseHeader, one
 * inlineContent each, as issue 13 item 1 describes; 115 MB at a million routes), as an operator runs it: a
 * fresh process per run, Node start-up included. Prints wall time, CPU time (user + system) and max RSS of
 * each run under /usr/bin/time, this tree against a base commit, interleaved (base, this, base, this, …), with
 * the load average beside every figure: CPU time is what a busy machine distorts least.
 *
 * Target (issue 13 item 1): ≤ 5 s wall and ≤ 1.5 GB on a quiet machine at 1M routes.
 *
 * Run: node bench/eskip-check.bench.ts [routes (default 1000000)] [--base=<commit> | --no-base] [--runs=2]
 *   The file is generated once into $TMPDIR/skipjack-million/simple-<n>.eskip and reused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseWorktree } from './lib/base-worktree.ts';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const baseRef = arg('base') ?? '8fed39b';
const runs = Number(arg('runs') ?? 2);
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dir = join(tmpdir(), 'skipjack-million');
mkdirSync(dir, { recursive: true });

/** The simple-route file of n routes, generated on first use. */
function simpleFile(count: number): string {
  const f = join(dir, `simple-${count}.eskip`);
  if (existsSync(f)) return f;
  const tmp = `${f}.tmp`;
  writeFileSync(tmp, '');
  for (let i = 0; i < count; i += 10_000) {
    const part: string[] = [];
    for (let j = i; j < Math.min(count, i + 10_000); j++) part.push(`r${j}: Path("/p/${j}") -> setResponseHeader("X-Route", "r${j}") -> inlineContent("hello ${j}") -> <shunt>;\n`);
    writeFileSync(tmp, part.join(''), { flag: 'a' });
  }
  execFileSync('mv', [tmp, f]);
  return f;
}

const la = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const file = simpleFile(n);
const trees: [string, string][] = [['this', root]];
if (!args.includes('--no-base')) trees.unshift([baseRef, baseWorktree(root, baseRef, 'skj-eskip-check-base-')]);

console.log(`skipjack-eskip check, ${n} simple routes (${file}), node ${process.version}; load average at start ${la()}`);
console.log('version | wall s | CPU s (user + sys) | max RSS MB | exit | load average before');
const rows = new Map<string, { wall: number; cpu: number; rss: number }[]>(trees.map(([v]) => [v, []]));
for (let k = 0; k < runs; k++) {
  for (const [v, tree] of trees) {
    const before = la();
    // `check` exits 0 on a clean file; /usr/bin/time writes its line last on stderr.
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, join(tree, 'src/cmd/skipjack-eskip.ts'), 'check', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = r.stderr.trim().split('\n').reverse().find((l) => l.startsWith('TIME '));
    if (line === undefined) {
      console.log(`${v} | failed: ${r.stderr.trim().split('\n').slice(-1)[0]}`);
      continue;
    }
    const [wall, user, sys, rssKb] = line.slice(5).split(' ').map(Number) as [number, number, number, number];
    rows.get(v)!.push({ wall, cpu: user + sys, rss: rssKb / 1024 });
    console.log(`${v.padEnd(7)} | ${wall.toFixed(2)} | ${(user + sys).toFixed(2)} (${user.toFixed(2)} + ${sys.toFixed(2)}) | ${(rssKb / 1024).toFixed(0)} | ${r.status} | ${before}`);
  }
}
const best = (v: string) => Math.min(...rows.get(v)!.map((r) => r.cpu));
if (trees.length > 1 && rows.get('this')!.length > 0 && rows.get(baseRef)!.length > 0) {
  console.log(`best CPU: ${baseRef} ${best(baseRef).toFixed(2)} s, this ${best('this').toFixed(2)} s, this/base ${(best('this') / best(baseRef)).toFixed(2)}`);
}
console.log(`load average at the end ${la()}`);
