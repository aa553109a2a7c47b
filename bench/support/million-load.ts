/**
 * One measurement of bench/million.bench.ts, run as a child process against a source tree (this one, or the
 * base commit checked out beside it): read a routes file, parse it, compile it, then look up requests.
 * Prints one JSON line. Only APIs both versions have are used; a sliced compile is used when the tree has one.
 *
 * Run: node --expose-gc bench/support/million-load.ts <source root> <routes file> <route count>
 *   MILLION_PARSE_ONLY=1: stop after the parse. MILLION_PARSE_PATH=routes-file: parse as the -routes-file
 *   source does (the file's bytes through src/dataclients/eskip-chunks.ts, sliced when the tree can) instead of
 *   parseDocumentSliced over the text read beforehand.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runtimeFlagsOf } from '../lib/launch.ts';
import { request } from './million-routes.ts';

const [root, file, nArg] = process.argv.slice(2);
const n = Number(nArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined || root === undefined || file === undefined || !(n > 0)) throw new Error('usage: node --expose-gc million-load.ts <root> <file> <n>');
const load = (p: string) => import(pathToFileURL(`${root}/${p}`).href);
// The V8 flags the tree's skipjack command sets at run time (e.g. no allocation-site pretenuring), before any route is built.
for (const f of runtimeFlagsOf(root)) setFlagsFromString(f);

const eskip = await load('src/eskip/index.ts');
const compileMod = await load('src/routing/compile.ts');
const { builtinFilters } = await load('src/filters/builtin.ts');
const { builtinPredicates } = await load('src/predicates/builtin.ts');
const { createLoadBalancer } = await load('src/loadbalancer/index.ts');
const opts = { predicates: builtinPredicates(), filters: builtinFilters(), lbFactory: createLoadBalancer };

/**
 * The longest gap between 1 ms timer ticks while `run` runs: the longest the event loop was blocked. On a
 * busy machine a gap may be time the process was not scheduled at all, so each gap is also counted in the
 * CPU time the process used during it (`blockCpuMs`: the smaller of the two, maximised over the gaps).
 */
async function probed<T>(run: () => T | Promise<T>): Promise<{ value: T; ms: number; blockMs: number; blockCpuMs: number }> {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let maxGap = 0;
  let maxCpuGap = 0;
  let on = true;
  const gap = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const wall = now - last;
    maxGap = Math.max(maxGap, wall);
    maxCpuGap = Math.max(maxCpuGap, Math.min(wall, (cpu.user + cpu.system) / 1000));
    last = now;
    lastCpu = process.cpuUsage();
  };
  const tick = () => {
    gap();
    if (on) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  await new Promise((r) => setImmediate(r));
  const t0 = performance.now();
  last = t0;
  lastCpu = process.cpuUsage();
  maxGap = 0;
  maxCpuGap = 0;
  const value = await run();
  const ms = performance.now() - t0;
  gap();
  on = false;
  return { value, ms, blockMs: maxGap, blockCpuMs: maxCpuGap };
}

gc();
const heap0 = process.memoryUsage().heapUsed;
const cpu0 = process.cpuUsage();
const read0 = performance.now();
let text: string | null = readFileSync(file, 'utf8');
// Reading and decoding the file is part of loading it (the routes-file path below times it inside the parse).
let readMs = performance.now() - read0;
const parseSliced = eskip.parseDocumentSliced as ((t: string, o: object) => Promise<{ routes: unknown[]; errors: unknown[] }>) | undefined;
type Parsed = { routes: unknown[]; errors: unknown[] };
let parseRun = (): Parsed | Promise<Parsed> => (parseSliced !== undefined ? parseSliced(text!, { file }) : eskip.parseDocument(text, { file }));
if (process.env['MILLION_PARSE_PATH'] === 'routes-file') {
  text = null;
  const { ChunkedDocument } = await load('src/dataclients/eskip-chunks.ts');
  const doc = new ChunkedDocument(file);
  // Reading the bytes is part of this path (the text is decoded chunk by chunk), asynchronously as the
  // routes-file source reads them: a readFileSync of 260 MB was a 0.8–1 s block of the harness's own.
  readMs = 0;
  parseRun = async () => {
    const bytes = await readFile(file);
    return doc.parseSliced !== undefined ? doc.parseSliced(bytes) : doc.parse(bytes);
  };
}
const cpuParse0 = process.cpuUsage();
const parsed = await probed(parseRun);
const cpuParse = process.cpuUsage(cpuParse0);
if (parsed.value.errors.length > 0) throw new Error(`parse errors: ${String(parsed.value.errors[0])}`);
const defs = parsed.value.routes;
text = null;
gc();
const heapParsed = process.memoryUsage().heapUsed;
if (process.env['MILLION_PARSE_ONLY'] === '1') {
  console.log(JSON.stringify({ n, readMs, parseMs: parsed.ms, parseBlockMs: parsed.blockMs, parseBlockCpuMs: parsed.blockCpuMs, parseCpuMs: (cpuParse.user + cpuParse.system) / 1000,
    heapParsedB: heapParsed - heap0, maxRssB: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}
const compileSliced = compileMod.compileRoutesSliced as ((d: unknown[], o: object) => Promise<unknown>) | undefined;
const compiled = await probed(() => (compileSliced !== undefined ? compileSliced(defs, opts) : compileMod.compileRoutes(defs, opts)));
const table = compiled.value as { routes: unknown[]; invalid: { message: string }[]; lookup(r: unknown): unknown };
const cpu = process.cpuUsage(cpu0);
if (table.invalid.length > 0) throw new Error(`invalid routes: ${table.invalid[0]!.message}`);
gc();
const heapTable = process.memoryUsage().heapUsed;
if (process.env['MILLION_SNAPSHOT'] !== undefined) (await import('node:v8')).writeHeapSnapshot(process.env['MILLION_SNAPSHOT']);
// MILLION_LOAD_ONLY=1: stop after the load (for --cpu-prof / --trace-gc of the load alone).
if (process.env['MILLION_LOAD_ONLY'] === '1') {
  console.log(JSON.stringify({ n, readMs, parseMs: parsed.ms, parseBlockMs: parsed.blockMs, parseBlockCpuMs: parsed.blockCpuMs, compileMs: compiled.ms, compileBlockMs: compiled.blockMs,
    compileBlockCpuMs: compiled.blockCpuMs, loadCpuMs: (cpu.user + cpu.system) / 1000, heapParsedB: heapParsed - heap0, heapTotalB: heapTable - heap0, maxRssB: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}

// Lookups: per-lookup means of 16-lookup batches, as bench/routing.bench.ts measures them.
// A prime stride spreads the sample over every kind of route and keeps the one-in-ten unknown hosts.
const requests = Array.from({ length: Math.min(n, 200_000) }, (_, i) => request((i * 7919) % n, n));
let hits = 0;
for (const r of requests) if (table.lookup(r) !== null) hits++;
// Five rounds of 400 ms; the best round's p99 is reported, since a round in which the process was preempted
// by others on a busy machine measures the machine, not the table. The median round is reported beside it.
const rounds: { p50: number; p99: number }[] = [];
let k = 0;
for (let round = 0; round < 5; round++) {
  const samples: number[] = [];
  const deadline = performance.now() + 400;
  while (performance.now() < deadline) {
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < 16; j++) {
      table.lookup(requests[k]!);
      if (++k === requests.length) k = 0;
    }
    samples.push(Number(process.hrtime.bigint() - t0) / 16);
  }
  samples.sort((a, b) => a - b);
  rounds.push({ p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! });
}
rounds.sort((a, b) => a.p99 - b.p99);

console.log(JSON.stringify({
  n, routes: table.routes.length, hitRate: hits / requests.length,
  readMs, parseMs: parsed.ms, parseBlockMs: parsed.blockMs, parseBlockCpuMs: parsed.blockCpuMs,
  compileMs: compiled.ms, compileBlockMs: compiled.blockMs, compileBlockCpuMs: compiled.blockCpuMs,
  loadCpuMs: (cpu.user + cpu.system) / 1000,
  heapParsedB: heapParsed - heap0, heapTotalB: heapTable - heap0, maxRssB: process.resourceUsage().maxRSS * 1024,
  p50Ns: rounds[0]!.p50, p99Ns: rounds[0]!.p99, p99MedianRoundNs: rounds[2]!.p99,
  sliced: { parse: parseSliced !== undefined, compile: compileSliced !== undefined },
}));
