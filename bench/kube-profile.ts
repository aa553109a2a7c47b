/**
 * Where a change → served costs CPU inside a `skipjack -kubernetes` process: starts one (with `--cpu-prof`)
 * against the test API server holding the kube.bench cluster, applies `changes` new Ingresses waiting for each
 * to be served, stops it, and prints the profile's heaviest functions (self and inclusive time) over the
 * measured window, plus the process's CPU time per change (load-independent, unlike the wall time).
 *
 *   npx node bench/kube-profile.ts [ingresses=15000] [routegroups=3750] [changes=40] [--workers=1] [--root=<checkout>]
 *     [--sync] (profile the start-up instead: list, conversion, first table)
 *     [--settle=<ms>] (idle time after listening, before the first change)
 *     [--trace-gc [--gc-lines]] (every process's collections; --gc-lines prints them on one clock with the slow changes)
 *     [--slow=<ms>] (each process's busiest functions during every change slower than that)
 *     [--gc-raw=<file>] (every process's stdout, e.g. --v8=--trace-gc-nvp's lines, kept in <file>)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../test/support/backend.ts';
import { KubeApiServer } from '../test/support/kube-apiserver.ts';
import { endpoints, ingress, service } from '../test/support/kube-objects.ts';
import { cluster } from './support/kube-cluster.ts';
import { startNode } from '../test/support/process.ts';
import { startFlagsOf } from './lib/launch.ts';

const flag = (name: string, def: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const [nIng = 15_000, nRg = 3_750, nChanges = 40] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const workers = Number(flag('workers', '1'));
const root = flag('root', fileURLToPath(new URL('..', import.meta.url)));
const syncOnly = process.argv.includes('--sync');
// --trace-gc: every process's garbage collections during the changes, counted by kind with their pauses.
const traceGc = process.argv.includes('--trace-gc') || flag('v8', '').includes('--trace-gc');
const settleMs = Number(flag('settle', '0'));
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

function status(port: number, host: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent, headers: { host, 'x-forwarded-proto': 'https' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** CPU time (user + system) of a process from /proc, in ms. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/** Self and inclusive ms per function over the samples taken between `from` and `to` (µs, profile clock). */
/** The heaviest self-time functions (and idle) between `from` and `to` (µs, profile clock), on one line. */
function busiest(p: Profile, fromUs: number, toUs: number, label: string): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]!;
    if (t < fromUs || t > toUs) continue;
    const n = byId.get(p.samples[i]!)!;
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${v.toFixed(0)} ${k.replace(/ :0$/, '')}`);
  console.log(`  ${label}: ${top.join('; ')}`);
}

function summarize(p: Profile, fromUs: number, toUs: number): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let t = p.startTime;
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]!;
    if (t < fromUs || t > toUs) continue;
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    let n = byId.get(p.samples[i]!)!;
    if (n.callFrame.functionName === '(idle)' || n.callFrame.functionName === '(program)') continue;
    total += dt;
    self.set(name(n), (self.get(name(n)) ?? 0) + dt);
    const seen = new Set<string>();
    for (;;) {
      const k = name(n);
      if (!seen.has(k)) incl.set(k, (incl.get(k) ?? 0) + dt);
      seen.add(k);
      const up = parent.get(n.id);
      if (up === undefined) break;
      n = byId.get(up)!;
    }
  }
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log(`profiled busy time in the window: ${total.toFixed(0)} ms`);
  console.log('--- self');
  for (const [k, v] of top(self, 30)) console.log(`${v.toFixed(1).padStart(9)} ms  ${k}`);
  console.log('--- inclusive');
  for (const [k, v] of top(incl, 60)) console.log(`${v.toFixed(1).padStart(9)} ms  ${k}`);
}

const api = await KubeApiServer.start(cluster(nIng, nRg));
api.store.compact();
const backend = await startBackend('live', '127.0.0.2');
api.apply(service('live', 'default', 80, backend.port), endpoints('live', ['127.0.0.2'], 'default', backend.port));
const dir = mkdtempSync(join(tmpdir(), 'skj-kube-prof-'));
// --trace-gc is refused in NODE_OPTIONS; a preload sets it in every process (the workers inherit the variable).
// --v8=<flags>: more V8 flags set the same way (e.g. --v8=--no-memory-reducer).
const v8Flags = [...(traceGc ? ['--trace-gc'] : []), ...flag('v8', '').split(',').filter(Boolean)];
if (v8Flags.length > 0) writeFileSync(join(dir, 'v8-flags.mjs'), `import { setFlagsFromString } from 'node:v8'; setFlagsFromString(${JSON.stringify(v8Flags.join(' '))});\n`);
process.env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir}${v8Flags.length > 0 ? ` --import=${join(dir, 'v8-flags.mjs')}` : ''}`;
console.log(`kube-profile: ${nIng} Ingresses, ${nRg} RouteGroups, -workers=${workers}, ${root}; load average ${load()}`);
const t0 = performance.now();
const proc = await startNode(
  join(root, 'src/cmd/skipjack.ts'),
  ['-kubernetes', `-kubernetes-url=${api.url}`, '-address=127.0.0.1:0', '-support-listener=', `-workers=${workers}`, '-access-log-disabled', '-wait-for-healthcheck-interval=0'],
  /proxy listening on https?:\/\/[^:]+:(\d+)/,
  300_000,
  // As the command starts (its shebang's node flags).
  startFlagsOf(root),
);
delete process.env.NODE_OPTIONS;
const startMs = performance.now() - t0;
const port = Number(proc.match[1]);
const agent = new Agent({ keepAlive: false });
const pid = proc.child.pid!;
// V8's profile clock is CLOCK_MONOTONIC in µs on Linux, as process.hrtime is: the window is marked in it, for every
// process alike (the workers' profiles end at other times than the primary's).
const mono = () => Number(process.hrtime.bigint() / 1000n);
const kids = () => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
const procs = [pid, ...kids()];
/** Each process's start, in clock ticks since boot (/proc/<pid>/stat field 22). */
const procStarts = new Map(procs.map((p) => {
  const f = readFileSync(`/proc/${p}/stat`, 'utf8');
  return [p, Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[19])] as const;
}));
let gcLines = '';
proc.child.stdout!.on('data', (d: Buffer) => (gcLines += d.toString()));
// After the collections' listener: the settle's own collections (the memory reducer's) are printed too.
await new Promise((r) => setTimeout(r, settleMs));
const mono0 = mono();
const cpu0 = procs.map(cpuMs);
const times: number[] = [];
/** Each change's start, in ms since the epoch (to lay the collections' lines beside them). */
const starts: number[] = [];
/** Each change's [start, end] on the profiles' clock (µs). */
const spans: [number, number][] = [];
const slowMs = Number(flag('slow', '0'));
if (!syncOnly) {
  for (let c = 0; c < nChanges; c++) {
    const host = `prof-${c}.example.org`;
    const t = performance.now();
    starts.push(performance.timeOrigin + t);
    const m0 = mono();
    api.apply(ingress(`prof-${c}`, { host, service: 'live' }));
    let ok = 0;
    while (ok < 2 * workers) {
      if ((await status(port, host, agent)) === 200) ok++;
      else ok = 0;
      if (ok === 0) await new Promise((r) => setImmediate(r));
    }
    times.push(performance.now() - t);
    spans.push([m0, mono()]);
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
  }
}
const cpu1 = procs.map(cpuMs);
const mono1 = mono();
agent.destroy();
// A second signal exits at once (process.exit, which still writes the profile) if the graceful stop lingers.
const exited = new Promise((r) => proc.child.once('exit', r));
proc.child.kill('SIGTERM');
const again = setTimeout(() => proc.child.kill('SIGTERM'), 10_000);
await exited;
clearTimeout(again);
await proc.stop();
const sorted = [...times].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
console.log(`start → listening ${startMs.toFixed(0)} ms`);
if (!syncOnly) {
  const per = procs.map((p, i) => `${i === 0 ? 'primary' : `pid ${p}`} ${((cpu1[i]! - cpu0[i]!) / nChanges).toFixed(1)}`).join(', ');
  console.log(`change → served (${nChanges}): p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (first ${times[0]!.toFixed(0)}); CPU ms per change (incl. serving the probe requests): ${per}; load average ${load()}`);
}
const gcRaw = flag('gc-raw', '');
if (gcRaw !== '') writeFileSync(gcRaw, gcLines);
if (traceGc) {
  // `[pid:addr:…] 1234 ms: Mark-Compact 300 (320) -> 280 (330) MB, pooled: 0 MB, 45.2 / 0.0 ms …`
  const byKind = new Map<string, number[]>();
  for (const m of gcLines.matchAll(/^\[(\d+):[^\]]*\]\s+\d+ ms: ([A-Za-z-]+(?: \(reduce\))?) .*?MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/gm)) {
    const k = `pid ${m[1]} ${m[2]}`;
    byKind.set(k, [...(byKind.get(k) ?? []), Number(m[3])]);
  }
  if (process.argv.includes('--gc-lines')) {
    // A line's time is ms since its process started: /proc gives each process's start (10 ms ticks since boot).
    const boot = Date.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
    const first = starts[0] ?? 0;
    const rel = (epoch: number) => `${((epoch - first) / 1000).toFixed(2).padStart(7)} s`;
    const events: [number, string][] = [];
    for (const p of procs) {
      const f = procStarts.get(p);
      if (f === undefined) continue;
      for (const m of gcLines.matchAll(new RegExp(`^\\[${p}:[^\\]]*\\]\\s+(\\d+) ms: (.*)$`, 'gm'))) events.push([boot + f * 10 + Number(m[1]), `${p === pid ? 'primary' : `pid ${p}`}: ${m[2]!.slice(0, 150)}`]);
    }
    times.forEach((ms, i) => ms > 60 && events.push([starts[i]!, `change ${i}: ${ms.toFixed(0)} ms`]));
    for (const [t, l] of events.sort((a, b) => a[0] - b[0])) console.log(`${rel(t)}  ${l}`);
  }
  for (const [k, v] of [...byKind].sort()) console.log(`gc ${k}: ${v.length}, pauses total ${v.reduce((a, b) => a + b, 0).toFixed(1)} ms, max ${Math.max(...v).toFixed(1)} ms`);
}
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
for (const f of files) {
  const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile & { endTime: number };
  console.log(`=== ${f}`);
  if (syncOnly) summarize(p, p.startTime, p.endTime);
  else summarize(p, mono0, mono1);
  if (slowMs > 0) times.forEach((ms, i) => ms >= slowMs && busiest(p, spans[i]![0], spans[i]![1], `change ${i} (${ms.toFixed(0)} ms)`));
}
rmSync(dir, { recursive: true, force: true });
await backend.close();
await api.stop();
process.exit(0);
