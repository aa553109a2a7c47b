/**
 * eskip parse, print and equality at n and 4n simple routes (Path + setResponseHeader + inlineContent): the
 * cost must grow linearly. Exits 1 when 4x the routes costs more than 6x the time (4x plus noise) for any
 * step, so a quadratic step fails the benchmark, never the test suite.
 *
 *   npm run bench:eskip -- [--n=25000]
 */
import { eqLists, parse, parseDocument, print } from '../src/eskip/index.ts';

const n = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? '25000');

function routes(count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += `r${i}: Path("/p/${i}") -> setResponseHeader("X-Route", "r${i}") -> inlineContent("hello ${i}") -> <shunt>;\n`;
  return s;
}

function best(f: () => void): number {
  let min = Infinity;
  for (let k = 0; k < 3; k++) {
    globalThis.gc?.();
    const t = performance.now();
    f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

const rows: [string, number, number][] = [];
for (const [label, size] of [['n', n], ['4n', 4 * n]] as const) {
  const text = routes(size);
  const parsed = parseDocument(text).routes;
  const again = parse(print(parsed));
  rows.push([`parse ${label}`, size, best(() => parseDocument(text))]);
  rows.push([`print ${label}`, size, best(() => print(parsed))]);
  rows.push([`eq ${label}`, size, best(() => eqLists(parsed, again))]);
}
let failed = false;
process.stdout.write(`eskip benchmark, node ${process.version}, best of 3\n`);
for (const step of ['parse', 'print', 'eq']) {
  const [, a, ta] = rows.find((r) => r[0] === `${step} n`)!;
  const [, b, tb] = rows.find((r) => r[0] === `${step} 4n`)!;
  const ratio = tb / ta;
  const ok = ratio <= 6;
  failed ||= !ok;
  process.stdout.write(`${step}: ${a} routes ${ta.toFixed(0)} ms, ${b} routes ${tb.toFixed(0)} ms, ratio ${ratio.toFixed(2)} (limit 6 for 4x) ${ok ? 'ok' : 'SUPER-LINEAR'}\n`);
}
if (failed) process.exitCode = 1;
