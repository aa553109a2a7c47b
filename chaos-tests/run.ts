/**
 * `npm run chaos`: the long form of every chaos scenario (rate-limit accuracy, breakers), one table each, and
 * the combined table as Markdown at the end (for docs/performance.md). Exits 1 when any target is missed.
 * `--only=<substring>` runs the matching scenarios of both suites.
 */
import { loadavg, cpus } from 'node:os';
import { cleanupAll } from './lib/cleanup.ts';
import { printTable } from './lib/table.ts';
import { runAll as ratelimits } from './ratelimit-accuracy/run.ts';
import { runAll as breakers } from './breakers/run.ts';

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`chaos run ${new Date().toISOString()}, ${cpus().length} cores, load average at start ${load()}`);
try {
  const a = await ratelimits(only);
  printTable('Rate-limit accuracy', a);
  const b = await breakers(only);
  printTable('Breakers and shedding', b);
  console.log(`load average at end ${load()}`);
  process.exitCode = [...a, ...b].some((r) => r.ok === false) ? 1 : 0;
} finally {
  await cleanupAll();
}
