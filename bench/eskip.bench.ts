/**
 * eskip parse, check (parse without keeping the routes), the streamed document's splitter, print and equality at n and 4n simple routes (Path + setResponseHeader + inlineContent): the
 * cost must grow linearly. Exits 1 when 4x the routes costs more than 6x the time (4x plus noise) for any
 * step of this version, so a quadratic step fails the benchmark, never the test suite.
 *
 * The named alternative is the base commit (default f92d3ec), checked out into a temporary worktree and
 * imported into the same process; each measurement alternates between the two versions (interleaved, best
 * of 3). Times are process CPU time, which a busy machine distorts less than wall time; the load average is
 * printed beside them.
 *
 *   npm run bench:eskip -- [--n=25000] [--base=<commit>] [--no-base]
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as self from '../src/eskip/index.ts';
import { baseWorktree } from './lib/base-worktree.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const n = Number(arg('n') ?? '25000');
const baseRef = arg('base') ?? 'f92d3ec';
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
type Eskip = typeof self;
const versions: [string, Eskip][] = [['this', self]];
if (!process.argv.includes('--no-base')) {
  const dir = baseWorktree(root, baseRef, 'skj-eskip-base-');
  versions.unshift([baseRef, (await import(pathToFileURL(`${dir}/src/eskip/index.ts`).href)) as Eskip]);
}

function routes(count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(`r${i}: Path("/p/${i}") -> setResponseHeader("X-Route", "r${i}") -> inlineContent("hello ${i}") -> <shunt>;\n`);
  return parts.join('');
}

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const la = () => loadavg().map((x) => x.toFixed(1)).join(' ');
process.stdout.write(`eskip benchmark, node ${process.version}, CPU ms, best of 3 interleaved; load average ${la()}\n`);
/** times[version][step label] */
const times = new Map<string, Map<string, number>>(versions.map(([v]) => [v, new Map()]));
for (const [label, size] of [['n', n], ['4n', 4 * n]] as const) {
  const text = routes(size);
  const inputs = versions.map(([, m]) => {
    const parsed = m.parseDocument(text).routes;
    return { parsed, again: m.parse(m.print(parsed)) };
  });
  // A body without a top-level ";" (one route per line, none ended) fed to the -routes-urls splitter in 64 kB
  // pieces: nothing is cut, so the pending text grows to the whole body (the splitter used to index that
  // concatenation, which V8 flattened on every piece: quadratic).
  const uncut = text.replaceAll(';', '');
  const steps: [string, (m: Eskip, i: number) => void][] = [
    ['parse', (m) => m.parseDocument(text)],
    // skipjack-eskip check: the routes are not kept (a base without checkDocument parses them instead).
    ['check', (m) => (m.checkDocument ?? m.parseDocument)(text)],
    ['split', (m) => {
      const d = new m.DocumentStream();
      for (let i = 0; i < uncut.length; i += 65_536) d.push(uncut.slice(i, i + 65_536));
    }],
    ['print', (m, i) => m.print(inputs[i]!.parsed)],
    ['eq', (m, i) => m.eqLists(inputs[i]!.parsed, inputs[i]!.again)],
  ];
  for (const [step, run] of steps) {
    for (let k = 0; k < 3; k++) {
      versions.forEach(([v, m], i) => {
        globalThis.gc?.();
        const t = cpuMs();
        run(m, i);
        const ms = cpuMs() - t;
        const key = `${step} ${label}`;
        const best = times.get(v)!.get(key);
        if (best === undefined || ms < best) times.get(v)!.set(key, ms);
      });
    }
  }
}
let failed = false;
for (const step of ['parse', 'check', 'split', 'print', 'eq']) {
  for (const [v] of versions) {
    const ta = times.get(v)!.get(`${step} n`)!;
    const tb = times.get(v)!.get(`${step} 4n`)!;
    const ratio = tb / ta;
    const ok = ratio <= 6;
    if (v === 'this') failed ||= !ok;
    const vsBase = v === 'this' && versions.length > 1 ? `; this/base at 4n ${(tb / times.get(baseRef)!.get(`${step} 4n`)!).toFixed(2)}` : '';
    process.stdout.write(`${step.padEnd(5)} ${v.padEnd(7)}: ${n} routes ${ta.toFixed(0)} ms, ${4 * n} routes ${tb.toFixed(0)} ms, ratio ${ratio.toFixed(2)} (limit 6 for 4x) ${ok ? 'ok' : 'SUPER-LINEAR'}${vsBase}\n`);
  }
}
process.stdout.write(`load average at the end ${la()}\n`);
if (failed) process.exitCode = 1;
