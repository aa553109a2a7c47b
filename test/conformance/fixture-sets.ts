/**
 * Finds fixture sets the way Skipper's FixturesToTest does, in every directory below the given roots: entries
 * sorted by name without the last extension; a set is the first entry's base name N plus every following
 * entry whose name starts with "N.". Plain subdirectories are searched, not grouped; `.default-filters`
 * directories belong to their set.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface FixtureSet {
  /** Directory-relative name for reports, e.g. `ingressV1/traffic/traffic-split`. */
  name: string;
  dir: string;
  base: string;
  /** Role extension (without the dot) → path. */
  files: Map<string, string>;
}

const ROLE_DIRS = new Set(['default-filters']);

function ext(name: string): string {
  const i = name.lastIndexOf('.');
  return i <= 0 ? '' : name.slice(i + 1);
}

function withoutExt(name: string): string {
  const i = name.lastIndexOf('.');
  return i <= 0 ? name : name.slice(0, i);
}

/** The sets of one directory, not recursing. */
export function setsInDir(dir: string, root: string): { sets: FixtureSet[]; subdirs: string[] } {
  const entries: string[] = [];
  const subdirs: string[] = [];
  for (const name of readdirSync(dir)) {
    const isDir = statSync(join(dir, name)).isDirectory();
    if (isDir && !ROLE_DIRS.has(ext(name))) subdirs.push(join(dir, name));
    else entries.push(name);
  }
  entries.sort((a, b) => {
    const x = withoutExt(a);
    const y = withoutExt(b);
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
  const sets: FixtureSet[] = [];
  let current: FixtureSet | undefined;
  for (const name of entries) {
    if (current === undefined || !name.startsWith(current.base + '.')) {
      const base = withoutExt(name);
      current = { name: relative(root, join(dir, base)) || base, dir, base, files: new Map() };
      sets.push(current);
    }
    current.files.set(ext(name) || name, join(dir, name));
  }
  return { sets, subdirs: subdirs.sort() };
}

/** Every set under each root, depth first, in name order. A root that is a set's file directory works too. */
export function findFixtureSets(roots: string[]): FixtureSet[] {
  const out: FixtureSet[] = [];
  for (const root of roots) {
    const walk = (dir: string, base: string): void => {
      const { sets, subdirs } = setsInDir(dir, base);
      out.push(...sets);
      for (const d of subdirs) walk(d, base);
    };
    walk(root, relativeBase(root));
  }
  return out;
}

/** Names are reported relative to the root's parent, so `DIR/set` shows which root it came from. */
function relativeBase(root: string): string {
  return join(root, '..');
}
