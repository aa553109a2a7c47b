/**
 * The load generator as a process, for load that must start inside a network namespace:
 *   node load-cli.ts '{"bases":[…],"start":<ms epoch>,"rate":r,"durationMs":d,"windowMs":w,"windows":n}'
 * Waits until `start`, runs the load, prints one JSON line: 200s per window and unanswered requests.
 * With `"start":"stdin"` it prints `ready` once loaded and reads the start (ms epoch) from a line on stdin:
 * a process that starts slowly on a busy machine then cannot miss the first window.
 */
import { closePools, perWindow, runLoad } from './load.ts';

const o = JSON.parse(process.argv[2]!) as { bases: string[]; start: number | 'stdin'; rate: number; durationMs: number; windowMs: number; windows: number };
if (o.start === 'stdin') {
  console.log('ready');
  o.start = await new Promise<number>((resolve) => {
    let line = '';
    process.stdin.setEncoding('utf8').on('data', (d: string) => {
      line += d;
      if (line.includes('\n')) {
        process.stdin.destroy(); // nothing more is read; an open stdin must not keep the process alive
        resolve(Number(line.trim()));
      }
    });
  });
}
const start = o.start;
await new Promise((r) => setTimeout(r, Math.max(0, start - Date.now())));
const samples = await runLoad(o.bases.map((base) => ({ base, alive: true })), { rate: o.rate, durationMs: o.durationMs, timeoutMs: 5000 });
await closePools();
console.log(JSON.stringify({
  admitted: perWindow(samples, start, o.windowMs, o.windows, (s) => s.status === 200),
  unanswered: samples.filter((s) => s.status !== 200 && s.status !== 429).length,
}));
