/**
 * Long form of the breaker scenarios (see scenarios.ts for the invariant): dead backend shared vs
 * per-instance (K = 3 and 5), one bad node, overload. Prints one table; exits 1 when a target is missed.
 */
import { cleanupAll, scoped } from '../lib/cleanup.ts';
import { printTable, type Row } from '../lib/table.ts';
import { deadBackendRows, oneBadNode, overload } from './scenarios.ts';

export const scenarios: [string, () => Promise<Row[]>][] = [
  ['dead backend K=3', () => deadBackendRows(3)],
  ['dead backend K=5', () => deadBackendRows(5)],
  ['one bad node', () => oneBadNode(5)],
  ['overload', () => overload()],
];

export async function runAll(filter?: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [name, fn] of scenarios) {
    if (filter !== undefined && !name.includes(filter)) continue;
    try {
      rows.push(...(await scoped(fn)));
    } catch (err) {
      rows.push({ scenario: name, measure: 'ran', measured: `failed: ${(err as Error).message.split('\n')[0]}`, target: 'completes', ok: false });
    }
  }
  return rows;
}

if (import.meta.main) {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  try {
    const rows = await runAll(only);
    printTable('Breakers and shedding', rows);
    process.exitCode = rows.some((r) => r.ok === false) ? 1 : 0;
  } finally {
    await cleanupAll();
  }
}
