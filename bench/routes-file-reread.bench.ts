/**
 * Re-reading a changed routes file: the chunked incremental parse (src/dataclients/eskip-chunks.ts) against
 * a whole-document parse (what the routes file source did before), same texts, same run. CPU time per
 * one-route change at spread positions, and the bytes parsed again.
 * Usage: node bench/routes-file-reread.bench.ts [routes=200000] [changes=20]
 */
import { loadavg } from 'node:os';
import { parseDocument } from '../src/eskip/index.ts';
import { ChunkedDocument } from '../src/dataclients/eskip-chunks.ts';

const n = Number(process.argv[2] ?? 200_000);
const changes = Number(process.argv[3] ?? 20);
const line = (i: number, v: number): string => `r${i}: Path("/r${i}") && Header("X-A", "a") -> setResponseHeader("X-R", "${i}") -> inlineContent("v${i}-${v}") -> <shunt>;\n`;
const lines: string[] = Array.from({ length: n }, (_, i) => line(i, 0));
const cpu = (f: () => void): number => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

const doc = new ChunkedDocument('routes.eskip');
const first = Buffer.from(lines.join(''));
const fullChunked = cpu(() => doc.parse(first));
const inc: number[] = [];
const whole: number[] = [];
let reparsed = 0;
for (let c = 0; c < changes; c++) {
  const at = Math.floor(((c * 7919) % changes) / changes * n);
  lines[at] = line(at, c + 1);
  const text = lines.join('');
  const buf = Buffer.from(text);
  inc.push(cpu(() => (reparsed += doc.parse(buf).reparsedBytes)));
  if (c < 3) whole.push(cpu(() => parseDocument(text, { file: 'routes.eskip' })));
}
console.log(`${n} routes (${(first.length / 1e6).toFixed(1)} MB), load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`first parse, chunked: ${fullChunked.toFixed(0)} ms CPU`);
console.log(`one-route change, whole-document parse (before): p50 ${pct(whole, 50).toFixed(0)} ms CPU (${whole.length} changes)`);
console.log(`one-route change, chunked re-parse: p50 ${pct(inc, 50).toFixed(1)} ms, p99 ${pct(inc, 99).toFixed(1)} ms CPU; ${(reparsed / changes / 1024).toFixed(1)} kB parsed again per change (${changes} changes)`);
console.log(`ratio whole / chunked (p50): ${(pct(whole, 50) / pct(inc, 50)).toFixed(0)}×`);
