/**
 * Route updates end to end, over real processes: start → first request served with a large routes file, and
 * a one-route change written into it → served by every worker, with -workers 1 and 2; the RSS of every
 * process of the instance once it serves. Run against this checkout and, side by side, against another one:
 * `--base=<commit>` checks the commit out into a temporary git worktree with node_modules linked (as
 * bench/million.bench.ts does), `--base=/path/to/checkout` uses a checkout as it is. Each step is capped by
 * a timeout. `--shape=million` serves bench/support/million-routes.ts' mix (hosts, Path/PathSubtree, LB and
 * network backends, the file bench/million.bench.ts measures) with one shunt route in the middle that the
 * changes rewrite; the default shape is shunt routes only, every one of them answerable. Changes start once the
 * instance is ready (the "proxy listening" line: with -workers N every worker listens), and each is timed from
 * the rename that put it in place (the replaced version held open meanwhile, see write()) to the last of
 * `2 × workers` fresh connections in a row that get its answer; the renames' own time is printed beside.
 * Usage: node bench/route-updates.bench.ts [--sizes=100000,1000000] [--workers=1,2] [--changes=20]
 *        [--base=COMMIT|DIR] [--shape=shunt|million] [--timeout=300] (seconds per start) [--change-timeout=120]
 *        [--node-args="--trace-gc"] [--stdout=FILE] [--skipjack-args='-flag=value|-other']
 */
import { execFileSync, execSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, fsyncSync, existsSync, mkdtempSync, openSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { routeText } from './support/million-routes.ts';
import { startFlagsOf } from './lib/launch.ts';

const arg = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const sizes = arg('sizes', '100000,1000000').split(',').map(Number);
const workerCounts = arg('workers', '1,2').split(',').map(Number);
const changes = Number(arg('changes', '20'));
const timeoutS = Number(arg('timeout', '300'));
const shape = arg('shape', 'shunt');
// Profiling: --node-args="--trace-gc" adds node flags to every skipjack started; --stdout=FILE keeps each one's
// stdout in FILE.<label>.<routes>.<workers> (where --trace-gc writes) and its stderr (the log) in the same name + ".log".
const nodeArgs = arg('node-args', '').split(' ').filter((a) => a !== '');
// Extra skipjack flags, separated by "|" (values may hold spaces), e.g. --skipjack-args='-default-filters-prepend=setRequestHeader("X-A", "1")'.
const skipjackArgs = arg('skipjack-args', '').split('|').filter((a) => a !== '');
const stdoutTo = arg('stdout', '');
const here = fileURLToPath(new URL('../', import.meta.url));
const checkouts: [string, string][] = [['this', here]];
let baseTree: string | null = null;
const baseArg = arg('base', '');
if (baseArg !== '' && existsSync(baseArg)) checkouts.push(['base', baseArg]);
else if (baseArg !== '') {
  baseTree = mkdtempSync(join(tmpdir(), 'skj-updates-base-'));
  rmSync(baseTree, { recursive: true });
  execFileSync('git', ['-C', here, 'worktree', 'add', '--detach', baseTree, baseArg], { stdio: 'ignore' });
  symlinkSync(join(here, 'node_modules'), join(baseTree, 'node_modules'));
  checkouts.push([`base ${baseArg}`.slice(0, 12), baseTree]);
}

/** Mixed routes: Path, PathSubtree, Host, header and regexp predicates, a few filters; rI answers /rI. */
function route(i: number, v: number): string {
  const content = `inlineContent("v${i}-${v}")`;
  switch (i % 5) {
    case 0: return `r${i}: Path("/r${i}") -> setResponseHeader("X-R", "${i}") -> ${content} -> <shunt>;\n`;
    case 1: return `r${i}: Path("/r${i}") && Header("X-A", "a") -> setRequestHeader("X-B", "b") -> ${content} -> <shunt>;\n`;
    case 2: return `r${i}: PathSubtree("/r${i}") && Method("GET") -> ${content} -> <shunt>;\n`;
    case 3: return `r${i}: Path("/r${i}") && HeaderRegexp("X-A", /^a$/) -> status(200) -> ${content} -> <shunt>;\n`;
    default: return `r${i}: Path("/r${i}") && Host(/^(localhost|127[.]0[.]0[.]1)(:[0-9]+)?$/) -> ${content} -> <shunt>;\n`;
  }
}

/** The million shape's routes, generated once per size: the changes only rewrite the probe route. */
const millionText = new Map<number, [string, string]>();

function fileText(n: number, version: (i: number) => number): string {
  if (shape === 'million') {
    let halves = millionText.get(n);
    if (halves === undefined) {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(routeText(i, n));
      millionText.set(n, (halves = [parts.slice(0, n >> 1).join(''), parts.slice(n >> 1).join('')]));
    }
    // The probe answers /r<n-1> (the million shape's own r<n-1> has another path) with its version.
    return `${halves[0]}${route(n - 1, version(n - 1)).replace(/^r\d+:/, 'probe:')}${halves[1]}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(route(i, version(i)));
  return parts.join('');
}

/** RSS (MB) of the process and its children (the workers). */
function rss(pid: number): string {
  try {
    const out = execSync(`ps -o pid=,rss= --pid ${pid} --ppid ${pid}`, { encoding: 'utf8' }).trim().split('\n');
    return out.map((l) => l.trim().split(/\s+/)).map(([p, kb], i) => `${i === 0 ? 'primary' : 'worker'} ${p} ${Math.round(Number(kb) / 1024)} MB`).join(', ');
  } catch {
    return '?';
  }
}

function fresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, headers: { 'x-a': 'a' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.setTimeout(5000, () => req.destroy());
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** ms until `times` fresh connections in a row (spread over the workers) answer `body`; null after `capMs`. */
async function until(url: string, body: string, times: number, capMs: number, t0: number): Promise<number | null> {
  for (;;) {
    let ok = 0;
    while (ok < times && (await fresh(url)).body === body) ok++;
    if (ok === times) return performance.now() - t0;
    if (performance.now() - t0 > capMs) return null;
    await sleep(5);
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  try {
    process.kill(-proc.pid!, 'SIGKILL');
  } catch {
    // gone
  }
  await exited;
}

async function run(label: string, dir: string, n: number, workers: number): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'skj-bench-updates-'));
  const file = join(tmp, 'routes.eskip');
  let version: (i: number) => number = () => 0;
  let seq = 0;
  /**
   * Writes the next version beside the file, flushes it to disk and renames it into place; returns when it is
   * in place (the time before the rename) and how long the rename took. The writer's own costs stay out of the
   * measurement, as a careful writer (write, fsync, rename) keeps them out of the rename: renaming an unflushed
   * 260 MB file over another made ext4 allocate its blocks inside the rename, and freeing the cached pages of a
   * replaced file nobody holds happens there too (33-223 ms between them here), with the watchers told only at
   * its end. So the new version is fsynced first, and the replaced one is held open until the change was
   * served (release()).
   */
  let renameMs = 0;
  let held: number | null = null;
  const release = (): void => {
    if (held !== null) closeSync(held);
    held = null;
  };
  const write = (): number => {
    const next = join(tmp, `.next-${seq++}`);
    writeFileSync(next, fileText(n, version));
    const fd = openSync(next, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    release();
    held = existsSync(file) ? openSync(file, 'r') : null;
    const at = performance.now();
    renameSync(next, file);
    renameMs = performance.now() - at;
    return at;
  };
  write();
  // Below the ephemeral range (32768-60999 here): the polls before the listener opens connect from ephemeral
  // ports, and one that took this port failed the start with EADDRINUSE (seen once in a few dozen starts).
  const port = 20000 + Math.floor(Math.random() * 12000);
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...startFlagsOf(dir), ...nodeArgs, 'src/cmd/skipjack.ts', `-routes-file=${file}`, `-address=127.0.0.1:${port}`, '-support-listener=',
    `-workers=${workers}`, '-access-log-disabled', '-max-route-source-bytes=1000000000', ...skipjackArgs], { cwd: dir, stdio: ['ignore', stdoutTo === '' ? 'ignore' : openSync(`${stdoutTo}.${label}.${n}.${workers}`, 'w'), 'pipe'], detached: true });
  let stderr = '';
  // With --stdout, stderr (the application log) goes beside it too, stamped with the time since the spawn.
  const errFile = stdoutTo === '' ? null : createWriteStream(`${stdoutTo}.${label}.${n}.${workers}.log`);
  // Every worker listens (the instance is ready, as its health check would say): changes are measured from then.
  let ready = false;
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (/proxy listening on/.test(d)) ready = true;
    stderr = (stderr + d).slice(-4000);
    errFile?.write(d.replace(/^(?=.)/gm, `[+${(performance.now() - t0).toFixed(0)} ms] `));
  });
  const base = `http://127.0.0.1:${port}`;
  const last = n - 1;
  try {
    const started = await until(`${base}/r${last}`, `v${last}-0`, workers, timeoutS * 1000, t0);
    const memory = started === null ? '' : rss(proc.pid!);
    if (started === null) {
      console.log(`${label.padEnd(5)} ${String(n).padStart(8)} routes, -workers ${workers}: not serving after ${timeoutS} s (load ${load()})`);
      return;
    }
    // -workers N: the first worker may serve seconds before the last one has built and listens.
    while (!ready && performance.now() - t0 < timeoutS * 1000) await sleep(20);
    const readyMs = performance.now() - t0;
    const lat: number[] = [];
    const renames: number[] = [];
    const capMs = Number(arg('change-timeout', '120')) * 1000;
    for (let c = 0; c < changes; c++) {
      // Spread over the file: start, middle, end and between (the million shape has one probe route).
      const target = shape === 'million' ? last : Math.min(last, Math.floor(((c * 7919) % changes) / changes * n) + (c === 0 ? 0 : 3));
      const v = c + 1;
      const before = version;
      version = (i) => (i === target ? v : before(i));
      const t1 = write();
      const ms = await until(`${base}/r${target}`, `v${target}-${v}`, workers * 2, capMs, t1);
      release();
      if (ms === null) {
        console.log(`${label.padEnd(5)}   change ${c} not served within ${capMs / 1000} s; stopping the changes`);
        break;
      }
      lat.push(ms);
      renames.push(renameMs);
      if (stdoutTo !== '') console.log(`  change ${c}: renamed into place ${(t1 - t0).toFixed(0)} ms after the spawn (the rename took ${renameMs.toFixed(0)} ms), served ${ms.toFixed(0)} ms later (epoch ${(performance.timeOrigin + t1).toFixed(1)})`);
    }
    console.log(`${label.padEnd(5)} ${String(n).padStart(8)} routes, -workers ${workers}: start → served ${(started / 1000).toFixed(1)} s, → ready ${(readyMs / 1000).toFixed(1)} s; `
      + `one-route change (renames took p50 ${renames.length > 0 ? pct(renames, 50).toFixed(1) : '-'}, max ${renames.length > 0 ? Math.max(...renames).toFixed(1) : '-'} ms) → served by all workers p50 ${lat.length > 0 ? pct(lat, 50).toFixed(0) : '-'} ms p99 ${lat.length > 0 ? pct(lat, 99).toFixed(0) : '-'} ms `
      + `(${lat.length} changes: ${lat.map((x) => x.toFixed(0)).join(', ')}) (load ${load()}); RSS when serving: ${memory}`);
  } finally {
    release();
    await stop(proc);
    rmSync(tmp, { recursive: true, force: true });
  }
  if (/FATAL|Error:/.test(stderr)) console.log(`${label}: stderr tail: ${stderr.slice(-600)}`);
}

console.log(`route updates: ${shape} shape, sizes ${sizes.join(', ')}, -workers ${workerCounts.join(', ')}, ${changes} changes each; load ${load()}`);
try {
  for (const n of sizes) {
    for (const w of workerCounts) {
      for (const [label, dir] of checkouts) await run(label, dir, n, w);
    }
  }
} finally {
  if (baseTree !== null) execFileSync('git', ['-C', here, 'worktree', 'remove', '--force', baseTree], { stdio: 'ignore' });
}
