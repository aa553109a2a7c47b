/**
 * `npm run conformance -- [--strict] DIR…`: evaluates every Kubernetes fixture set under the directories
 * (Skipper's layout, see ../shared/conformance/README.md), printing `PASS <set>` or `FAIL <set>: <reason>` per
 * set and `N passed, M failed` at the end. Exits 0 unless --strict and a set failed (2 for usage errors).
 */
import { existsSync } from 'node:fs';
import { loadConvert, type ConvertFn } from '../../src/dataclients/kubernetes/load.ts';
import { evaluateSet, type SetResult } from './evaluate.ts';
import { findFixtureSets } from './fixture-sets.ts';

export interface RunSummary {
  passed: number;
  failed: number;
  results: SetResult[];
}

/** Runs every set under `dirs`, writing one line per set to `out`. */
export async function runConformance(dirs: string[], out: (line: string) => void, convert?: ConvertFn): Promise<RunSummary> {
  const sets = findFixtureSets(dirs);
  let conv = convert;
  let convertError: string | undefined;
  if (!conv) {
    try {
      conv = await loadConvert();
    } catch (err) {
      convertError = (err as Error).message;
    }
  }
  const results: SetResult[] = [];
  for (const set of sets) {
    const r: SetResult = conv
      ? await evaluateSet(set, conv).catch((err: Error) => ({ name: set.name, pass: false, reason: `runner error: ${err.message}` }))
      : { name: set.name, pass: false, reason: convertError };
    results.push(r);
    out(r.pass ? `PASS ${r.name}` : `FAIL ${r.name}: ${r.reason}`);
  }
  const passed = results.filter((r) => r.pass).length;
  out(`${passed} passed, ${results.length - passed} failed`);
  return { passed, failed: results.length - passed, results };
}

async function main(argv: string[]): Promise<number> {
  const strict = argv.includes('--strict');
  const dirs = argv.filter((a) => a !== '--strict');
  if (dirs.length === 0) {
    process.stderr.write('usage: npm run conformance -- [--strict] DIR…\n');
    return 2;
  }
  for (const d of dirs) {
    if (!existsSync(d)) {
      process.stderr.write(`conformance: no such directory: ${d}\n`);
      return 2;
    }
  }
  const s = await runConformance(dirs, (l) => process.stdout.write(l + '\n'));
  return strict && s.failed > 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
