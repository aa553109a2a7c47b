/**
 * The load generator as a process, for load that must start inside a network namespace:
 *   node load-cli.ts '{"bases":[…],"start":<ms epoch>,"rate":r,"durationMs":d,"windowMs":w,"windows":n}'
 * Waits until `start`, runs the load, prints one JSON line: 200s per window and unanswered requests.
 */
import { closePools, perWindow, runLoad } from './load.ts';

const o = JSON.parse(process.argv[2]!) as { bases: string[]; start: number; rate: number; durationMs: number; windowMs: number; windows: number };
await new Promise((r) => setTimeout(r, Math.max(0, o.start - Date.now())));
const samples = await runLoad(o.bases.map((base) => ({ base, alive: true })), { rate: o.rate, durationMs: o.durationMs, timeoutMs: 5000 });
await closePools();
console.log(JSON.stringify({
  admitted: perWindow(samples, o.start, o.windowMs, o.windows, (s) => s.status === 200),
  unanswered: samples.filter((s) => s.status !== 200 && s.status !== 429).length,
}));
