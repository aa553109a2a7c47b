/**
 * One route changed in a large routes file, step by step in one process: read the file (FileBuffers), parse
 * the change (ChunkedDocument), the worker hand-over (diffDefs in the primary, applyDelta in the worker),
 * compile (the incremental compiler skipjack uses, sliced), swap and release. Wall and CPU time per step,
 * routes compiled afresh, and the longest event-loop block over the whole update (a timer's lateness).
 * The file is bench/support/million-routes.ts' mix with one shunt probe route in the middle that each change
 * rewrites, as bench/route-updates.bench.ts does over real processes.
 * Usage: node bench/one-route-change.bench.ts [routes=100000] [changes=5] [profile.cpuprofile]
 * (a third argument: a CPU profile of the changes, not of the start, is written there).
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/config/table.ts';
import { ChunkedDocument } from '../src/dataclients/eskip-chunks.ts';
import { FileBuffers } from '../src/dataclients/file-buffers.ts';
import { HttpClients } from '../src/net/index.ts';
import { compiler } from '../src/roles/wiring.ts';
import { RouteTableHolder } from '../src/routing/holder.ts';
import type { CompiledRouteTable } from '../src/routing/table.ts';
import { applyDelta, diffDefs } from '../src/server/route-delta.ts';
import { routeText } from './support/million-routes.ts';

const n = Number(process.argv[2] ?? 100_000);
const changes = Number(process.argv[3] ?? 5);
const profileTo = process.argv[4];
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const dir = mkdtempSync(join(tmpdir(), 'skj-one-change-'));
const file = join(dir, 'routes.eskip');
const parts: string[] = [];
for (let i = 0; i < n; i++) parts.push(routeText(i, n));
const halves = [parts.slice(0, n >> 1).join(''), parts.slice(n >> 1).join('')];
parts.length = 0;
const write = (v: number): void => {
  writeFileSync(`${file}.next`, `${halves[0]}probe: Path("/probe") -> inlineContent("v${v}") -> <shunt>;\n${halves[1]}`);
  renameSync(`${file}.next`, file);
};

// The longest stretch the event loop was blocked: a 1 ms timer's lateness.
let longest = 0;
let lastTick = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  longest = Math.max(longest, now - lastTick - 1);
  lastTick = now;
}, 1);

async function step<T>(f: () => T | Promise<T>): Promise<[T, number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await f();
  const c = process.cpuUsage(c0);
  return [r, performance.now() - t0, (c.user + c.system) / 1000];
}

try {
  write(0);
  const buffers = new FileBuffers(file);
  const doc = new ChunkedDocument(file);
  const compile = compiler(defaultConfig(), () => false, new HttpClients(), null);
  const holder = new RouteTableHolder(compile([], 0));
  const t0 = performance.now();
  let defs = (await doc.parseSliced(buffers.take(await buffers.read()))).routes;
  const parsedAt = performance.now();
  let workerDefs = defs.slice();
  holder.swap(await compile.sliced!(defs, 1));
  console.log(`${n} routes (${(halves[0]!.length + halves[1]!.length) / 1e6 | 0} MB): read+parse ${((parsedAt - t0) / 1000).toFixed(1)} s, compile ${((performance.now() - parsedAt) / 1000).toFixed(1)} s (load ${load()})`);
  const session = profileTo === undefined ? null : new Session();
  if (session !== null) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  console.log('change | read ms (cpu) | parse ms (cpu) | primary diff + worker apply ms | compile ms (cpu) | compiled afresh | swap ms | longest block ms (one-process path) | load');
  for (let c = 1; c <= changes; c++) {
    write(c);
    longest = 0;
    lastTick = performance.now();
    // The read, and the held version patched with it (as the routes-file source takes a read).
    const [{ bytes, difference }, readMs, readCpu] = await step(async () => {
      const r = await buffers.read();
      return { bytes: buffers.take(r), difference: r.difference };
    });
    const [parsed, parseMs, parseCpu] = await step(() => doc.parseSliced(bytes, {}, difference));
    // The primary's diff and the worker's apply run in two processes, not in the one-process path: their
    // blocks are timed by their columns and left out of the longest block.
    await new Promise((r) => setTimeout(r, 2));
    const longestBefore = longest;
    const [delta, diffMs] = await step(() => diffDefs(defs, parsed.routes));
    await new Promise((r) => setImmediate(r));
    const [, applyMs] = await step(() => {
      workerDefs = applyDelta(workerDefs, delta);
    });
    const deltaMs = `${diffMs.toFixed(1)} + ${applyMs.toFixed(1)}`;
    await new Promise((r) => setTimeout(r, 2));
    longest = longestBefore;
    lastTick = performance.now();
    defs = parsed.routes;
    const [table, compileMs, compileCpu] = await step(() => compile.sliced!(defs, c + 1));
    const [, swapMs] = await step(() => holder.swap(table));
    await new Promise((r) => setTimeout(r, 5));
    const stats = (table as CompiledRouteTable).stats;
    console.log(`${c} | ${readMs.toFixed(1)} (${readCpu.toFixed(0)}) | ${parseMs.toFixed(1)} (${parseCpu.toFixed(0)}) | ${deltaMs} | ${compileMs.toFixed(1)} (${compileCpu.toFixed(0)}) | ${stats.compiled} | ${swapMs.toFixed(1)} | ${longest.toFixed(1)} | ${load()}`);
  }
  if (session !== null) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileTo!, JSON.stringify(profile));
  }
} finally {
  clearInterval(ticker);
  rmSync(dir, { recursive: true, force: true });
}
