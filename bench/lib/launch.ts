/**
 * How a source tree's `skipjack` runs, for benchmarks that start this tree and a base commit side by side:
 * each with its own node flags, as its own command would start (src/lifecycle/node-flags.ts; a tree before it
 * set its runtime flags in src/cmd/skipjack.ts and took no start flags).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The node flags of the shebang of `root`'s src/cmd/skipjack.ts (`#!/usr/bin/env -S node --a --b`). */
export function startFlagsOf(root: string): string[] {
  const first = readFileSync(join(root, 'src/cmd/skipjack.ts'), 'utf8').split('\n', 1)[0]!;
  const m = /^#!\S*env -S node((?:\s+--\S+)*)\s*$/.exec(first);
  return m === null ? [] : m[1]!.trim().split(/\s+/);
}

/** The V8 flags `root`'s skipjack sets at run time. */
export function runtimeFlagsOf(root: string): string[] {
  const mod = join(root, 'src/lifecycle/node-flags.ts');
  const text = existsSync(mod) ? readFileSync(mod, 'utf8').split('export const runtimeFlags')[1] ?? '' : readFileSync(join(root, 'src/cmd/skipjack.ts'), 'utf8');
  return [...text.matchAll(/'(--[a-z0-9-]+(?:=[^']*)?)'/g)].map((m) => m[1]!);
}
