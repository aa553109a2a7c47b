/**
 * /routes at scale: the previous rendering (the whole table printed into one string, kept per generation)
 * against the streamed one (printed piece by piece per response), same table, same run. Prints the heap
 * each needs above the route objects and the time to serve one full GET over loopback.
 * Usage: node --expose-gc bench/routes-listing.bench.ts [routes=100000]
 */
import { once } from 'node:events';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse, print } from '../src/eskip/index.ts';
import { createSupportServer } from '../src/server/support.ts';
import { Health } from '../src/server/health.ts';
import { RoutesView } from '../src/server/routes-view.ts';

const n = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
const lines: string[] = [];
for (let i = 0; i < n; i++) lines.push(`r${i}: Host("h${i % 97}.example.org") && Path("/p/${i}") -> setResponseHeader("X-N", "${i}") -> <shunt>;`);
const routes = parse(lines.join('\n'));
lines.length = 0;

const base = heap();
const whole = print(routes);
const wholeHeld = heap() - base;
const t0 = performance.now();
print(routes);
const wholeMs = performance.now() - t0;

const view = new RoutesView();
view.update({ generation: 1, routes, invalid: [] });
const t1 = performance.now();
view.listing('eskip', { from: 0, to: n, paged: false });
const tagMs = performance.now() - t1;
const server = createSupportServer({ health: new Health(), routes: view, metrics: async () => ({ text: '', contentType: 'text/plain' }) });
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/routes`;
const before = heap();
let peak = 0;
const t2 = performance.now();
const { bytes, chunks } = await new Promise<{ bytes: number; chunks: number }>((resolve, reject) => {
  get(url, (res) => {
    let b = 0;
    let c = 0;
    res.on('data', (d: Buffer) => {
      b += d.length;
      c++;
      if (c % 64 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    });
    res.on('end', () => resolve({ bytes: b, chunks: c }));
  }).on('error', reject);
});
const streamMs = performance.now() - t2;
server.close();
const mb = (x: number) => `${(x / 1e6).toFixed(1)} MB`;
console.log(`${n} routes, ${mb(whole.length)} of eskip`);
console.log(`| | before (one string per generation) | after (streamed) |`);
console.log(`| --- | --- | --- |`);
console.log(`| heap held per generation | ${mb(wholeHeld)} | 0 (ETag only; hashed once per generation in ${tagMs.toFixed(0)} ms) |`);
console.log(`| heapUsed growth during one GET (sampled, uncollected garbage included) | +${mb(wholeHeld)} held + its Buffer | peak +${mb(peak)} |`);
console.log(`| render / serve time | print ${wholeMs.toFixed(0)} ms | full GET ${streamMs.toFixed(0)} ms, ${chunks} chunks, ${mb(bytes)} |`);
